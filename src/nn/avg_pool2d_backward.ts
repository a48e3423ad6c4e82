import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { AvgPool2dShape } from '../shapes/mod.ts';
import code from '../../shaders/avg_pool2d_backward.wgsl';
import { checkAvgPool } from './avg_pool2d_forward.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'avg_pool2d_backward', code };

/**
 * Average pool backward: each element of dx gathers dy/divisor from every window that holds it (no
 * atomics). dy: (n, c, oh, ow)  dx: (n, c, h, w), written (not accumulated).
 */
export async function avgPool2dBackward(gpu: Gpu, s: AvgPool2dShape, dy: GpuTensor, dx: GpuTensor): Promise<void> {
  const [oh, ow] = checkAvgPool('avg_pool2d_backward', s, { dy, dx });
  const inImage = s.c * s.h * s.w;
  const outImage = s.c * oh * ow;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'avg_pool2d_backward', s.n, { dx: inImage, dy: outImage })) {
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    const dxw = gpu.window(dx, n0 * inImage, n * inImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, dyw.base, dxw.base, s.size, s.stride, s.pads[0], s.pads[1], s.countIncludePad ? 1 : 0]);
    gpu.dispatch(pipeline, params, [dyw.binding, dxw.binding], gpu.grid(Math.ceil((n * inImage) / ELEMENTWISE_WORKGROUP)));
  }
}
