import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { AdaptiveAvgPool2dShape } from '../shapes/mod.ts';
import code from '../../shaders/adaptive_avg_pool2d_backward.wgsl';
import { checkPool } from './pool_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'adaptive_avg_pool2d_backward', code };

/** AdaptiveAvgPool2d backward. dy: (n, c, outH, outW)  dx: (n, c, h, w), written whole. */
export async function adaptiveAvgPool2dBackward(gpu: Gpu, s: AdaptiveAvgPool2dShape, dy: GpuTensor, dx: GpuTensor): Promise<void> {
  checkPool('adaptive_avg_pool2d_backward', s, s.outH, s.outW, { dy, dx });
  const inImage = s.c * s.h * s.w;
  const outImage = s.c * s.outH * s.outW;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'adaptive_avg_pool2d_backward', s.n, { dx: inImage, dy: outImage })) {
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    const dxw = gpu.window(dx, n0 * inImage, n * inImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, s.outH, s.outW, dyw.base, dxw.base]);
    gpu.dispatch(pipeline, params, [dyw.binding, dxw.binding], gpu.grid(Math.ceil((n * inImage) / ELEMENTWISE_WORKGROUP)));
  }
}
