import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/batch_norm_backward.wgsl';
import { checkBatchNorm } from './batch_norm_forward.ts';
import { ELEMENTWISE_WORKGROUP, planeSlices } from './slices.ts';

const SHADER = { name: 'batch_norm_backward', code };

/**
 * Batch normalisation (inference form) backward to the input: dx[n, c, i, j] = dy[n, c, i, j]·scale[c].
 * dy, dx: (n, c, h, w)  scale: (c); dx is written (not accumulated). dy and dx may exceed one binding.
 */
export async function batchNormBackward(gpu: Gpu, s: ImageShape, dy: GpuTensor, scale: GpuTensor, dx: GpuTensor): Promise<void> {
  checkBatchNorm('batch_norm_backward', s, { dy, scale, dx });
  const plane = s.h * s.w;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [p0, planes] of planeSlices(gpu, 'batch_norm_backward', s, Number.MAX_SAFE_INTEGER)) {
    const dyw = gpu.window(dy, p0 * plane, planes * plane);
    const dxw = gpu.window(dx, p0 * plane, planes * plane);
    const params = new Uint32Array([planes * plane, plane, s.c, p0, dyw.base, dxw.base]);
    gpu.dispatch(pipeline, params, [dyw.binding, gpu.window(scale).binding, dxw.binding], gpu.grid(Math.ceil((planes * plane) / ELEMENTWISE_WORKGROUP)));
  }
}
