import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import v1 from '../../shaders/linear_backward_weight_v1.wgsl';
import v2 from '../../shaders/linear_backward_weight_v2.wgsl';
import { checkLinear } from './linear_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/**
 * The fully connected backward-to-weights kernels: 1 is the naive one, 2 writes the gradient in vec4s, 8 columns per invocation
 * (the default when the input width is a multiple of 4; otherwise 1).
 */
export const LINEAR_BACKWARD_WEIGHT_VARIANTS = [1, 2] as const;
export type LinearBackwardWeightVariant = (typeof LINEAR_BACKWARD_WEIGHT_VARIANTS)[number];

const SHADER_V1 = { name: 'linear_backward_weight_v1', code: v1 };
const SHADER_V2 = { name: 'linear_backward_weight_v2', code: v2 };
const V2_WORKGROUP = 64;

/**
 * dWeight = dyᵀ·x and dBias = Σₙ dy, summed over the batch.
 * x: (n, in)  dy: (n, out)  dWeight: (out, in)  dBias: (out); both overwritten.
 */
export async function linearBackwardWeight(
  gpu: Gpu,
  s: LinearShape,
  x: GpuTensor,
  dy: GpuTensor,
  dWeight: GpuTensor,
  dBias: GpuTensor,
  variant?: LinearBackwardWeightVariant,
): Promise<void> {
  checkLinear('linear_backward_weight', s, { x, dy, dWeight, dBias });
  const vectors = s.inFeatures % 4 === 0;
  variant ??= vectors ? 2 : 1;
  if (!LINEAR_BACKWARD_WEIGHT_VARIANTS.includes(variant)) throw new RangeError(`linear_backward_weight: no variant ${variant}; known: ${LINEAR_BACKWARD_WEIGHT_VARIANTS.join(', ')}`);
  if (variant === 2 && !vectors) throw new RangeError(`linear_backward_weight: variant 2 needs an input width that is a multiple of 4, not ${s.inFeatures}`);
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : await gpu.pipeline(SHADER_V2, { WG: V2_WORKGROUP });
  const workgroup = variant === 1 ? ELEMENTWISE_WORKGROUP : V2_WORKGROUP;
  const batches = itemSlices(gpu, 'linear_backward_weight', s.n, { x: s.inFeatures, dy: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_backward_weight', s.outFeatures, { 'a weight row': s.inFeatures });
  for (const [o0, rows] of blocks) {
    const dww = gpu.window(dWeight, o0 * s.inFeatures, rows * s.inFeatures);
    batches.forEach(([n0, n], batch) => {
      const xw = gpu.window(x, n0 * s.inFeatures, n * s.inFeatures);
      const dyw = gpu.window(dy, n0 * s.outFeatures, n * s.outFeatures);
      // Later runs of the batch add to what the first wrote.
      const params = new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, xw.base, dyw.base, dww.base, batch > 0 ? 1 : 0]);
      gpu.dispatch(pipeline, params, [xw.binding, dyw.binding, dww.binding, gpu.window(dBias).binding],
        gpu.grid(Math.ceil(
          (variant === 1 ? rows * s.inFeatures + rows : rows * Math.ceil(s.inFeatures / 8)) / workgroup)));
    });
  }
}
