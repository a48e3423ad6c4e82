import { f32Bits, type Gpu, type GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/integration_points.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'integration_points', code };

/** The batch `integrationPoints` builds: n images of `size` values, `steps` midpoints each, about `baseline`. */
export interface IntegrationShape {
  readonly n: number;
  readonly size: number;
  readonly steps: number;
  readonly baseline: number;
}

/**
 * Integrated Gradients' midpoints, on the GPU: copies `first` … `first + count − 1` of the n·m copies
 * (copy t is image ⌊t/m⌋ at step k = t mod m + 1) written to out[0 … count): b + ((k − ½)/m)(x − b).
 * x: (n, size)  out: (≥ count, size).
 */
export async function integrationPoints(gpu: Gpu, s: IntegrationShape, x: GpuTensor, out: GpuTensor, first: number, count: number): Promise<void> {
  checkDimensions('integration_points', { n: s.n, size: s.size, steps: s.steps, count });
  if (!Number.isInteger(first) || first < 0 || first + count > s.n * s.steps) {
    throw new RangeError(`integration_points: copies ${first}…${first + count - 1} are outside the ${s.n * s.steps} of ${s.n} images × ${s.steps} steps`);
  }
  if (!Number.isFinite(s.baseline)) throw new RangeError(`integration_points: the baseline must be finite, got ${s.baseline}`);
  checkTensor('integration_points', 'x', x, s.n * s.size, [s.n, s.size]);
  if (out.length < count * s.size) {
    throw new RangeError(`integration_points: out (${out.label}) has ${out.length} elements but ${count} copies of ${s.size} need ${count * s.size}`);
  }
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [k0, kc] of itemSlices(gpu, 'integration_points', count, { copy: s.size })) {
    const t0 = first + k0;
    const i0 = Math.floor(t0 / s.steps);
    const i1 = Math.floor((t0 + kc - 1) / s.steps);
    const xw = gpu.window(x, i0 * s.size, (i1 - i0 + 1) * s.size);
    const ow = gpu.window(out, k0 * s.size, kc * s.size);
    gpu.dispatch(pipeline, new Uint32Array([kc, xw.base, ow.base, s.size, t0, s.steps, i0, f32Bits(s.baseline)]),
      [xw.binding, ow.binding], gpu.grid(Math.ceil((kc * s.size) / ELEMENTWISE_WORKGROUP)));
  }
}
