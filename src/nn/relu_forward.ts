import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/relu_forward.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'relu_forward', code };

/** y = max(x, 0), elementwise; x and y may be larger than one binding. */
export async function reluForward(gpu: Gpu, x: GpuTensor, y: GpuTensor): Promise<void> {
  checkTensor('relu_forward', 'y', y, x.length, [x.length]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  dispatchElementwise(gpu, pipeline, [x, y], x.length);
}
