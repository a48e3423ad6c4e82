import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ReluRule } from '../shapes/mod.ts';
import v1 from '../../shaders/relu_backward.wgsl';
import v2 from '../../shaders/relu_backward_v2.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP, wholeVec4s } from './slices.ts';

/** The ReLU backward kernels: 1 takes one element per invocation, 2 a vec4 (the default where the length allows). */
export const RELU_BACKWARD_VARIANTS = [1, 2] as const;
export type ReluBackwardVariant = (typeof RELU_BACKWARD_VARIANTS)[number];

const SHADER_V1 = { name: 'relu_backward', code: v1 };
const SHADER_V2 = { name: 'relu_backward_v2', code: v2 };
const RULE_CODES: Readonly<Record<ReluRule, number>> = { gradient: 0, deconvnet: 1, guided: 2 };

/** ReLU backward under `rule` (see ReluRule): x is the forward input, dy the incoming gradient, dx the result. */
export async function reluBackward(gpu: Gpu, x: GpuTensor, dy: GpuTensor, dx: GpuTensor, rule: ReluRule, variant?: ReluBackwardVariant): Promise<void> {
  const ruleCode = RULE_CODES[rule];
  if (ruleCode === undefined) throw new RangeError(`relu_backward: rule "${rule}" is not one of gradient, deconvnet, guided`);
  checkTensor('relu_backward', 'dy', dy, x.length, [x.length]);
  checkTensor('relu_backward', 'dx', dx, x.length, [x.length]);
  const vectors = wholeVec4s(gpu, x.length);
  variant ??= vectors ? 2 : 1;
  if (variant === 2 && !vectors) throw new RangeError(`relu_backward: variant 2 needs a length that is a multiple of 4, not ${x.length}`);
  const pipeline = await gpu.pipeline(variant === 1 ? SHADER_V1 : SHADER_V2, { WG: ELEMENTWISE_WORKGROUP, RULE: ruleCode });
  dispatchElementwise(gpu, pipeline, [x, dy, dx], x.length, [], variant === 1 ? 1 : 4);
}
