import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/grad_cam_weights.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'grad_cam_weights', code };

/**
 * Grad-CAM's channel weights: w[n, k] = (1/(h·w)) Σ_ij dA[n, k, i, j], the spatial mean of the score's
 * gradient to each feature map. dA: (n, k, h, w) with s.c = k  w: (n, k).
 */
export async function gradCamWeights(gpu: Gpu, s: ImageShape, dA: GpuTensor, w: GpuTensor): Promise<void> {
  checkDimensions('grad_cam_weights', { n: s.n, k: s.c, h: s.h, w: s.w });
  const pixels = s.h * s.w;
  checkTensor('grad_cam_weights', 'dA', dA, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  checkTensor('grad_cam_weights', 'w', w, s.n * s.c, [s.n, s.c]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'grad_cam_weights', s.n, { dA: s.c * pixels })) {
    const gw = gpu.window(dA, n0 * s.c * pixels, n * s.c * pixels);
    const ww = gpu.window(w, n0 * s.c, n * s.c);
    gpu.dispatch(pipeline, new Uint32Array([n * s.c, pixels, gw.base, ww.base]), [gw.binding, ww.binding],
      gpu.grid(Math.ceil((n * s.c) / ELEMENTWISE_WORKGROUP)));
  }
}
