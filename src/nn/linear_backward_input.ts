import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import v1 from '../../shaders/linear_backward_input_v1.wgsl';
import v2 from '../../shaders/linear_backward_input_v2.wgsl';
import { checkLinear } from './linear_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/**
 * The fully connected backward-to-input kernels: 1 is the naive one, 2 reads the weight in vec4s, 8 columns × 2 batch rows per invocation
 * (the default when the input width is a multiple of 4; otherwise 1).
 */
export const LINEAR_BACKWARD_INPUT_VARIANTS = [1, 2] as const;
export type LinearBackwardInputVariant = (typeof LINEAR_BACKWARD_INPUT_VARIANTS)[number];

const SHADER_V1 = { name: 'linear_backward_input_v1', code: v1 };
const SHADER_V2 = { name: 'linear_backward_input_v2', code: v2 };
const V2_WORKGROUP = 64;

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
  variant?: LinearBackwardInputVariant,
): Promise<void> {
  checkLinear('linear_backward_input', s, { dy, weight, dx });
  const vectors = s.inFeatures % 4 === 0;
  variant ??= vectors ? 2 : 1;
  if (!LINEAR_BACKWARD_INPUT_VARIANTS.includes(variant)) throw new RangeError(`linear_backward_input: no variant ${variant}; known: ${LINEAR_BACKWARD_INPUT_VARIANTS.join(', ')}`);
  if (variant === 2 && !vectors) throw new RangeError(`linear_backward_input: variant 2 needs an input width that is a multiple of 4, not ${s.inFeatures}`);
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : await gpu.pipeline(SHADER_V2, { WG: V2_WORKGROUP, PAIR: s.n > 1 ? 1 : 0 });
  const workgroup = variant === 1 ? ELEMENTWISE_WORKGROUP : V2_WORKGROUP;
  const batches = itemSlices(gpu, 'linear_backward_input', s.n, { dx: s.inFeatures, dy: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_backward_input', s.outFeatures, { 'a weight row': s.inFeatures });
  for (const [n0, n] of batches) {
    const dyw = gpu.window(dy, n0 * s.outFeatures, n * s.outFeatures);
    const dxw = gpu.window(dx, n0 * s.inFeatures, n * s.inFeatures);
    blocks.forEach(([o0, rows], block) => {
      const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
      const params = new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, dyw.base, ww.base, dxw.base, block > 0 ? 1 : 0]);
      gpu.dispatch(pipeline, params, [dyw.binding, ww.binding, dxw.binding], gpu.grid(Math.ceil(
        (variant === 1 ? n * s.inFeatures : Math.ceil(s.inFeatures / 8) * Math.ceil(n / 2)) / workgroup)));
    });
  }
}
