import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import v1 from '../../shaders/linear_backward_input_v1.wgsl';
import { checkLinear } from './linear_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/** The fully connected backward-to-input kernels: 1 is the naive one. */
export const LINEAR_BACKWARD_INPUT_VARIANTS = [1] as const;
export type LinearBackwardInputVariant = (typeof LINEAR_BACKWARD_INPUT_VARIANTS)[number];

const SHADER_V1 = { name: 'linear_backward_input_v1', code: v1 };

/**
 * dx = dy·weight.  dy: (n, out)  weight: (out, in)  dx: (n, in), overwritten.
 * With the weight bound in row blocks, each block adds its share to dx after the first.
 */
export async function linearBackwardInput(
  gpu: Gpu,
  s: LinearShape,
  dy: GpuTensor,
  weight: GpuTensor,
  dx: GpuTensor,
  variant: LinearBackwardInputVariant = 1,
): Promise<void> {
  checkLinear('linear_backward_input', s, { dy, weight, dx });
  if (variant !== 1) throw new RangeError(`linear_backward_input: no variant ${variant}; known: ${LINEAR_BACKWARD_INPUT_VARIANTS.join(', ')}`);
  const pipeline = await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP });
  const batches = itemSlices(gpu, 'linear_backward_input', s.n, { dx: s.inFeatures, dy: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_backward_input', s.outFeatures, { 'a weight row': s.inFeatures });
  for (const [n0, n] of batches) {
    const dyw = gpu.window(dy, n0 * s.outFeatures, n * s.outFeatures);
    const dxw = gpu.window(dx, n0 * s.inFeatures, n * s.inFeatures);
    blocks.forEach(([o0, rows], block) => {
      const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
      const params = new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, dyw.base, ww.base, dxw.base, block > 0 ? 1 : 0]);
      gpu.dispatch(pipeline, params, [dyw.binding, ww.binding, dxw.binding], gpu.grid(Math.ceil((n * s.inFeatures) / ELEMENTWISE_WORKGROUP)));
    });
  }
}
