import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/gaussian_blur2d.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, planeSlices } from './slices.ts';

const SHADER = { name: 'gaussian_blur2d', code };

/** The largest σ `gaussianBlur2d` takes, in pixels: its kernel spans ±⌈3σ⌉, 49 taps a side at most. */
export const MAX_BLUR_SIGMA = 8;
// The shader's k: array<vec4f, 13> holds the 2⌈3σ⌉ + 1 ≤ 49 weights.
const KERNEL_VEC4S = 13;

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
  const r = blurRadius(sigma);
  const raw = Array.from({ length: 2 * r + 1 }, (_, t) => Math.exp(-((t - r) ** 2) / (2 * sigma * sigma)));
  const total = raw.reduce((a, b) => a + b, 0);
  const params = new Uint32Array(8 + 4 * KERNEL_VEC4S);
  params.set([s.h, s.w, 0, 0, r]);
  new Float32Array(params.buffer, 32).set(raw.map((v) => v / total));
  for (const [p0, planes] of planeSlices(gpu, 'gaussian_blur2d', s, gpu.limits.workgroupsPerDimension)) {
    const xw = gpu.window(x, p0 * pixels, planes * pixels);
    const yw = gpu.window(y, p0 * pixels, planes * pixels);
    params[2] = xw.base;
    params[3] = yw.base;
    gpu.dispatch(pipeline, params, [xw.binding, yw.binding], [Math.ceil(pixels / ELEMENTWISE_WORKGROUP), planes]);
  }
}
