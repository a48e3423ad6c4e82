import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/global_avg_pool2d_backward.wgsl';
import { checkGlobalAvgPool } from './global_avg_pool2d_forward.ts';
import { ELEMENTWISE_WORKGROUP, planeSlices } from './slices.ts';

const SHADER = { name: 'global_avg_pool2d_backward', code };

/**
 * Global average pool backward: dx[n, c, i, j] = dy[n, c] / (h·w). dy: (n, c)  dx: (n, c, h, w),
 * written (not accumulated). dx may exceed one binding.
 */
export async function globalAvgPool2dBackward(gpu: Gpu, s: ImageShape, dy: GpuTensor, dx: GpuTensor): Promise<void> {
  checkGlobalAvgPool('global_avg_pool2d_backward', s, { dy, dx });
  const plane = s.h * s.w;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [p0, planes] of planeSlices(gpu, 'global_avg_pool2d_backward', s, Number.MAX_SAFE_INTEGER)) {
    const dyw = gpu.window(dy, p0, planes);
    const dxw = gpu.window(dx, p0 * plane, planes * plane);
    const params = new Uint32Array([planes, plane, dyw.base, dxw.base]);
    gpu.dispatch(pipeline, params, [dyw.binding, dxw.binding], gpu.grid(Math.ceil((planes * plane) / ELEMENTWISE_WORKGROUP)));
  }
}
