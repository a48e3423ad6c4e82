import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import v1 from '../../shaders/linear_backward_weight_v1.wgsl';
import v2 from '../../shaders/linear_backward_weight_v2.wgsl';
import v3 from '../../shaders/linear_backward_weight_v3.wgsl';
import { checkLinear } from './linear_check.ts';
import { checkSubgroups } from './check_subgroups.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/**
 * The fully connected backward-to-weights kernels: 1 is the naive one, 2 writes the gradient in vec4s, 8 columns per invocation,
 * 3 8 rows × 4 columns per invocation, each lane loading one row's value of dy for its 8-lane subgroup (only where
 * `gpu.subgroupSize` is 8). The default, when the input width is a multiple of 4: 3 where it can run, otherwise 2; for
 * other widths 1.
 */
export const LINEAR_BACKWARD_WEIGHT_VARIANTS = [1, 2, 3] as const;
export type LinearBackwardWeightVariant = (typeof LINEAR_BACKWARD_WEIGHT_VARIANTS)[number];

const SHADER_V1 = { name: 'linear_backward_weight_v1', code: v1 };
const SHADER_V2 = { name: 'linear_backward_weight_v2', code: v2 };
const V2_WORKGROUP = 64;
const SHADER_V3 = { name: 'linear_backward_weight_v3', code: v3 };

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
  // Measured on lavapipe (2 shared cores, noisy; fastest of 2 to 5 runs, ms): fc6 (25088 → 4096) batch 1
  // v2 996, v3 472; batch 8 v2 1141, v3 406. 4096 → 1000 batch 1 v2 30.8, v3 14.9; batch 8 v2 80.7, v3
  // 26.7; batch 32 v2 180, v3 84. 3136 → 256 batch 10 v2 16.7, v3 7.0.
  variant ??= vectors ? (gpu.subgroupSize === 8 ? 3 : 2) : 1;
  if (!LINEAR_BACKWARD_WEIGHT_VARIANTS.includes(variant)) throw new RangeError(`linear_backward_weight: no variant ${variant}; known: ${LINEAR_BACKWARD_WEIGHT_VARIANTS.join(', ')}`);
  if (variant !== 1 && !vectors) throw new RangeError(`linear_backward_weight: variant ${variant} needs an input width that is a multiple of 4, not ${s.inFeatures}`);
  if (variant === 3) checkSubgroups('linear_backward_weight', gpu, 3);
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : variant === 2 ? await gpu.pipeline(SHADER_V2, { WG: V2_WORKGROUP }) : await gpu.pipeline(SHADER_V3);
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
      const bindings = [xw.binding, dyw.binding, dww.binding, gpu.window(dBias).binding];
      // v3: 32 columns × 8 rows a workgroup.
      if (variant === 3) gpu.dispatch(pipeline, params, bindings, [Math.ceil(s.inFeatures / 32), Math.ceil(rows / 8), 1]);
      else gpu.dispatch(pipeline, params, bindings, gpu.grid(Math.ceil((variant === 1 ? rows * s.inFeatures + rows : rows * Math.ceil(s.inFeatures / 8)) / workgroup)));
    });
  }
}
