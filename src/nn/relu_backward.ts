import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ReluRule } from '../shapes/mod.ts';
import code from '../../shaders/relu_backward.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'relu_backward', code };
const RULE_CODES: Readonly<Record<ReluRule, number>> = { gradient: 0, deconvnet: 1, guided: 2 };

/** ReLU backward under `rule` (see ReluRule): x is the forward input, dy the incoming gradient, dx the result. */
export async function reluBackward(gpu: Gpu, x: GpuTensor, dy: GpuTensor, dx: GpuTensor, rule: ReluRule): Promise<void> {
  const ruleCode = RULE_CODES[rule];
  if (ruleCode === undefined) throw new RangeError(`relu_backward: rule "${rule}" is not one of gradient, deconvnet, guided`);
  checkTensor('relu_backward', 'dy', dy, x.length, [x.length]);
  checkTensor('relu_backward', 'dx', dx, x.length, [x.length]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP, RULE: ruleCode });
  dispatchElementwise(gpu, pipeline, [x, dy, dx], x.length);
}
