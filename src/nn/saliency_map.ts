import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/saliency_map.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'saliency_map', code };

/**
 * The saliency map of Simonyan et al. 2014: map[n, i, j] = maxᶜ |gradient[n, c, i, j]|.
 * gradient: (n, c, h, w)  map: (n, h, w).
 */
export async function saliencyMap(gpu: Gpu, s: ImageShape, gradient: GpuTensor, map: GpuTensor): Promise<void> {
  checkDimensions('saliency_map', { n: s.n, c: s.c, h: s.h, w: s.w });
  const pixels = s.h * s.w;
  checkTensor('saliency_map', 'gradient', gradient, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  checkTensor('saliency_map', 'map', map, s.n * pixels, [s.n, s.h, s.w]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'saliency_map', s.n, { gradient: s.c * pixels })) {
    const gw = gpu.window(gradient, n0 * s.c * pixels, n * s.c * pixels);
    const mw = gpu.window(map, n0 * pixels, n * pixels);
    gpu.dispatch(pipeline, new Uint32Array([n, s.c, pixels, gw.base, mw.base]), [gw.binding, mw.binding],
      gpu.grid(Math.ceil((n * pixels) / ELEMENTWISE_WORKGROUP)));
  }
}
