import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { AdaptiveAvgPool2dShape } from '../shapes/mod.ts';
import code from '../../shaders/adaptive_avg_pool2d_forward.wgsl';
import { checkPool } from './pool_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'adaptive_avg_pool2d_forward', code };

/** torchvision's AdaptiveAvgPool2d. x: (n, c, h, w)  y: (n, c, outH, outW). */
export async function adaptiveAvgPool2dForward(gpu: Gpu, s: AdaptiveAvgPool2dShape, x: GpuTensor, y: GpuTensor): Promise<void> {
  checkPool('adaptive_avg_pool2d_forward', s, s.outH, s.outW, { x, y });
  const inImage = s.c * s.h * s.w;
  const outImage = s.c * s.outH * s.outW;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'adaptive_avg_pool2d_forward', s.n, { x: inImage, y: outImage })) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, s.outH, s.outW, xw.base, yw.base]);
    gpu.dispatch(pipeline, params, [xw.binding, yw.binding], gpu.grid(Math.ceil((n * outImage) / ELEMENTWISE_WORKGROUP)));
  }
}
