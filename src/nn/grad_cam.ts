import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/grad_cam.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'grad_cam', code };

/**
 * Grad-CAM's coarse map: cam[n, i, j] = max(0, Σ_k w[n, k] · A[n, k, i, j]), at the feature maps' size.
 * A: (n, k, h, w) with s.c = k  w: (n, k), see `gradCamWeights`  cam: (n, h, w).
 */
export async function gradCam(gpu: Gpu, s: ImageShape, a: GpuTensor, w: GpuTensor, cam: GpuTensor): Promise<void> {
  checkDimensions('grad_cam', { n: s.n, k: s.c, h: s.h, w: s.w });
  const pixels = s.h * s.w;
  checkTensor('grad_cam', 'A', a, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  checkTensor('grad_cam', 'w', w, s.n * s.c, [s.n, s.c]);
  checkTensor('grad_cam', 'cam', cam, s.n * pixels, [s.n, s.h, s.w]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'grad_cam', s.n, { A: s.c * pixels })) {
    const aw = gpu.window(a, n0 * s.c * pixels, n * s.c * pixels);
    const ww = gpu.window(w, n0 * s.c, n * s.c);
    const cw = gpu.window(cam, n0 * pixels, n * pixels);
    gpu.dispatch(pipeline, new Uint32Array([n, s.c, pixels, aw.base, ww.base, cw.base]), [aw.binding, ww.binding, cw.binding],
      gpu.grid(Math.ceil((n * pixels) / ELEMENTWISE_WORKGROUP)));
  }
}
