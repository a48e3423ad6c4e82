import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/accumulate.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'accumulate', code };

/**
 * y += x, elementwise: where a tensor feeds two consumers, its gradient is the sum of theirs, added
 * here. x and y of one length, any length, each may exceed one binding; they must be different tensors.
 */
export async function accumulate(gpu: Gpu, x: GpuTensor, y: GpuTensor): Promise<void> {
  checkTensor('accumulate', 'y', y, x.length, [x.length]);
  if (x.buffer === y.buffer) throw new RangeError(`accumulate: x and y are the same tensor (${x.label})`);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  dispatchElementwise(gpu, pipeline, [x, y], x.length);
}
