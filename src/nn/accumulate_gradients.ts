import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/accumulate_gradients.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'accumulate_gradients', code };

/** n images of `size` values with `copies` copies each, as SmoothGrad and Integrated Gradients batch them. */
export interface CopiesShape {
  readonly n: number;
  readonly size: number;
  readonly copies: number;
}

/**
 * Adds the gradients of copies `first` … `first + count − 1` (g[0 … count), copy t belonging to image
 * ⌊t/copies⌋) to their images' running sums, and with `squares` the sums of their squares; an image's
 * copy 0 starts its sums afresh, so nothing needs zeroing. Copies are added one at a time in order: the
 * sums are the same however the copies were batched. g: (≥ count, size)  sum, squares: (n, size).
 */
export async function accumulateGradients(
  gpu: Gpu,
  s: CopiesShape,
  g: GpuTensor,
  first: number,
  count: number,
  sum: GpuTensor,
  squares?: GpuTensor,
): Promise<void> {
  checkDimensions('accumulate_gradients', { n: s.n, size: s.size, copies: s.copies, count });
  if (!Number.isInteger(first) || first < 0 || first + count > s.n * s.copies) {
    throw new RangeError(`accumulate_gradients: copies ${first}…${first + count - 1} are outside the ${s.n * s.copies} of ${s.n} images × ${s.copies} copies`);
  }
  if (g.length < count * s.size) {
    throw new RangeError(`accumulate_gradients: g (${g.label}) has ${g.length} elements but ${count} copies of ${s.size} need ${count * s.size}`);
  }
  checkTensor('accumulate_gradients', 'sum', sum, s.n * s.size, [s.n, s.size]);
  if (squares) checkTensor('accumulate_gradients', 'squares', squares, s.n * s.size, [s.n, s.size]);
  if (squares === sum) throw new RangeError('accumulate_gradients: sum and squares must be different tensors');
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  const last = first + count;
  for (let image = Math.floor(first / s.copies); image * s.copies < last; image++) {
    const from = Math.max(first, image * s.copies);
    const to = Math.min(last, (image + 1) * s.copies);
    const sw = gpu.window(sum, image * s.size, s.size);
    // Without squares the kernel writes none; a one-element stand-in fills the binding.
    const qw = squares ? gpu.window(squares, image * s.size, s.size) : gpu.window(gpu.scratch('accumulate_gradients unused', 1), 0, 1);
    for (const [k0, kc] of itemSlices(gpu, 'accumulate_gradients', to - from, { copy: s.size })) {
      const fresh = from + k0 === image * s.copies ? 1 : 0;
      const gw = gpu.window(g, (from - first + k0) * s.size, kc * s.size);
      gpu.dispatch(pipeline, new Uint32Array([s.size, kc, gw.base, sw.base, qw.base, fresh, squares ? 1 : 0]),
        [gw.binding, sw.binding, qw.binding], gpu.grid(Math.ceil(s.size / ELEMENTWISE_WORKGROUP)));
    }
  }
}
