import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import v1 from '../../shaders/linear_backward_weight_v1.wgsl';
import { checkLinear } from './linear_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/** The fully connected backward-to-weights kernels: 1 is the naive one. */
export const LINEAR_BACKWARD_WEIGHT_VARIANTS = [1] as const;
export type LinearBackwardWeightVariant = (typeof LINEAR_BACKWARD_WEIGHT_VARIANTS)[number];

const SHADER_V1 = { name: 'linear_backward_weight_v1', code: v1 };

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
  variant: LinearBackwardWeightVariant = 1,
): Promise<void> {
  checkLinear('linear_backward_weight', s, { x, dy, dWeight, dBias });
  if (variant !== 1) throw new RangeError(`linear_backward_weight: no variant ${variant}; known: ${LINEAR_BACKWARD_WEIGHT_VARIANTS.join(', ')}`);
  const pipeline = await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP });
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
        gpu.grid(Math.ceil((rows * s.inFeatures + rows) / ELEMENTWISE_WORKGROUP)));
    });
  }
}
