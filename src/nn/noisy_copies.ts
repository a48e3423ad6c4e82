import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/noisy_copies.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'noisy_copies', code };

/** The batch `noisyCopies` builds: n images of `size` values, `samples` copies each, noise from `seed`. */
export interface NoisyCopiesShape {
  readonly n: number;
  readonly size: number;
  readonly samples: number;
  /** A u32: the same seed gives the same noise, whatever the batching. */
  readonly seed: number;
  /** Added to each copy's index in the noise's counter: the copies of images before these in a larger set (default 0). */
  readonly offset?: number;
}

/**
 * SmoothGrad's noisy copies, on the GPU: copies `first` … `first + count − 1` of the n·samples copies
 * (copy t is image i = ⌊t/samples⌋) written to out[0 … count): x_i + σ_i · z, z ~ N(0, 1) drawn by a
 * counter-based hash of (seed, offset + t, element) and Box–Muller (see shaders/noisy_copies.wgsl and the float64
 * `counterNormal`, which reproduces it). x: (n, size)  sigma: (n)  out: (≥ count, size).
 */
export async function noisyCopies(
  gpu: Gpu,
  s: NoisyCopiesShape,
  x: GpuTensor,
  sigma: GpuTensor,
  out: GpuTensor,
  first: number,
  count: number,
): Promise<void> {
  checkDimensions('noisy_copies', { n: s.n, size: s.size, samples: s.samples, count });
  if (!Number.isInteger(first) || first < 0 || first + count > s.n * s.samples) {
    throw new RangeError(`noisy_copies: copies ${first}…${first + count - 1} are outside the ${s.n * s.samples} of ${s.n} images × ${s.samples} samples`);
  }
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 0xffffffff) throw new RangeError(`noisy_copies: the seed must be a u32, got ${s.seed}`);
  const offset = s.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset + s.n * s.samples > 0x100000000) {
    throw new RangeError(`noisy_copies: copies offset by ${offset} must be numbered below 2³²`);
  }
  checkTensor('noisy_copies', 'x', x, s.n * s.size, [s.n, s.size]);
  checkTensor('noisy_copies', 'sigma', sigma, s.n, [s.n]);
  if (out.length < count * s.size) {
    throw new RangeError(`noisy_copies: out (${out.label}) has ${out.length} elements but ${count} copies of ${s.size} need ${count * s.size}`);
  }
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  const sw = gpu.window(sigma);
  for (const [k0, kc] of itemSlices(gpu, 'noisy_copies', count, { copy: s.size })) {
    const t0 = first + k0;
    const i0 = Math.floor(t0 / s.samples);
    const i1 = Math.floor((t0 + kc - 1) / s.samples);
    const xw = gpu.window(x, i0 * s.size, (i1 - i0 + 1) * s.size);
    const ow = gpu.window(out, k0 * s.size, kc * s.size);
    gpu.dispatch(pipeline, new Uint32Array([kc, xw.base, ow.base, sw.base, s.size, t0, s.samples, i0, s.seed, offset]),
      [xw.binding, ow.binding, sw.binding], gpu.grid(Math.ceil((kc * s.size) / ELEMENTWISE_WORKGROUP)));
  }
}
