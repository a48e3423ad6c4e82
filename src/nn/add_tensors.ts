import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/add_tensors.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'add_tensors', code };

/**
 * y = a + b, elementwise (a residual connection's forward pass); all three of one length, any length,
 * each may exceed one binding. y must be a third tensor: to add into a tensor use `accumulate`.
 */
export async function addTensors(gpu: Gpu, a: GpuTensor, b: GpuTensor, y: GpuTensor): Promise<void> {
  checkTensor('add_tensors', 'b', b, a.length, [a.length]);
  checkTensor('add_tensors', 'y', y, a.length, [a.length]);
  if (y.buffer === a.buffer || y.buffer === b.buffer) {
    throw new RangeError(`add_tensors: y (${y.label}) must not be a or b; use accumulate to add in place`);
  }
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  dispatchElementwise(gpu, pipeline, [a, b, y], a.length);
}
