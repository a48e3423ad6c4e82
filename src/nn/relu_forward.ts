import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import v1 from '../../shaders/relu_forward.wgsl';
import v2 from '../../shaders/relu_forward_v2.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP, wholeVec4s } from './slices.ts';

/** The ReLU forward kernels: 1 takes one element per invocation, 2 a vec4 (the default where the length allows). */
export const RELU_FORWARD_VARIANTS = [1, 2] as const;
export type ReluForwardVariant = (typeof RELU_FORWARD_VARIANTS)[number];

const SHADER_V1 = { name: 'relu_forward', code: v1 };
const SHADER_V2 = { name: 'relu_forward_v2', code: v2 };

/** y = max(x, 0), elementwise; x and y may be larger than one binding. */
export async function reluForward(gpu: Gpu, x: GpuTensor, y: GpuTensor, variant?: ReluForwardVariant): Promise<void> {
  checkTensor('relu_forward', 'y', y, x.length, [x.length]);
  const vectors = wholeVec4s(gpu, x.length);
  variant ??= vectors ? 2 : 1;
  if (variant === 2 && !vectors) throw new RangeError(`relu_forward: variant 2 needs a length that is a multiple of 4, not ${x.length}`);
  const pipeline = await gpu.pipeline(variant === 1 ? SHADER_V1 : SHADER_V2, { WG: ELEMENTWISE_WORKGROUP });
  dispatchElementwise(gpu, pipeline, [x, y], x.length, [], variant === 1 ? 1 : 4);
}
