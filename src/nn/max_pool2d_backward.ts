import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { type MaxPool2dShape, maxPool2dOutputSize, maxPool2dWindow } from '../shapes/mod.ts';
import code from '../../shaders/max_pool2d_backward.wgsl';
import { checkPool, checkWindow } from './pool_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'max_pool2d_backward', code };

/**
 * Max-pool backward: dx[i] is the sum of dy over the windows whose switch names element i, zero where
 * none does. Overlapping windows (3×3/2) are gathered, not scattered: no atomics.
 * dy, switches: (n, c, oh, ow)  dx: (n, c, h, w), written whole.
 */
export async function maxPool2dBackward(gpu: Gpu, s: MaxPool2dShape, dy: GpuTensor, switches: GpuTensor, dx: GpuTensor): Promise<void> {
  const { size, stride, pads } = maxPool2dWindow(s);
  checkWindow('max_pool2d_backward', size, stride, pads);
  const [oh, ow] = maxPool2dOutputSize(s);
  checkPool('max_pool2d_backward', s, oh, ow, { dy, switches, dx });
  const inImage = s.c * s.h * s.w;
  const outImage = s.c * oh * ow;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'max_pool2d_backward', s.n, { dx: inImage, dy: outImage })) {
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    const sw = gpu.window(switches, n0 * outImage, n * outImage);
    const dxw = gpu.window(dx, n0 * inImage, n * inImage);
    // dy and switches share one base: windows at the same element offset align alike.
    const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, n0, dyw.base, dxw.base, size, stride, pads[0], pads[1]]);
    gpu.dispatch(pipeline, params, [dyw.binding, sw.binding, dxw.binding], gpu.grid(Math.ceil((n * inImage) / ELEMENTWISE_WORKGROUP)));
  }
}
