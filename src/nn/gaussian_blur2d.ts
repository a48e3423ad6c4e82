import { f32Bits, type Gpu, type GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/gaussian_blur2d.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'gaussian_blur2d', code };

/** The largest σ `gaussianBlur2d` takes, in pixels: its kernel spans ±⌈3σ⌉, 49 taps a side at most. */
export const MAX_BLUR_SIGMA = 8;

/** The half-width of the blur's kernel for σ: ⌈3σ⌉ pixels, where the Gaussian has fallen below 1.2%. */
export function blurRadius(sigma: number): number {
  return Math.ceil(3 * sigma);
}

/**
 * A Gaussian blur of standard deviation `sigma` pixels over every (h, w) plane, the border pixel repeated
 * past the edges; the kernel is cut at ±⌈3σ⌉ and scaled to sum to 1. x, y: (n, c, h, w), distinct tensors.
 */
export async function gaussianBlur2d(gpu: Gpu, s: ImageShape, x: GpuTensor, y: GpuTensor, sigma: number): Promise<void> {
  checkDimensions('gaussian_blur2d', { n: s.n, c: s.c, h: s.h, w: s.w });
  if (!(sigma > 0 && sigma <= MAX_BLUR_SIGMA)) throw new RangeError(`gaussian_blur2d: σ must be in (0, ${MAX_BLUR_SIGMA}] pixels, got ${sigma}`);
  if (x === y) throw new RangeError('gaussian_blur2d: x and y must be different tensors');
  const pixels = s.h * s.w;
  checkTensor('gaussian_blur2d', 'x', x, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  checkTensor('gaussian_blur2d', 'y', y, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [p0, planes] of itemSlices(gpu, 'gaussian_blur2d', s.n * s.c, { x: pixels })) {
    const xw = gpu.window(x, p0 * pixels, planes * pixels);
    const yw = gpu.window(y, p0 * pixels, planes * pixels);
    const params = new Uint32Array([planes, s.h, s.w, xw.base, yw.base, blurRadius(sigma), f32Bits(1 / (2 * sigma * sigma))]);
    gpu.dispatch(pipeline, params, [xw.binding, yw.binding], gpu.grid(Math.ceil((planes * pixels) / ELEMENTWISE_WORKGROUP)));
  }
}
