import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import v1 from '../../shaders/linear_forward_v1.wgsl';
import v2 from '../../shaders/linear_forward_v2.wgsl';
import { checkLinear } from './linear_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/**
 * The fully connected forward kernels: 1 is the naive one, 2 reads the weight in vec4s, 4 rows × 2 batch rows per invocation
 * (the default when the input width is a multiple of 4; otherwise 1).
 */
export const LINEAR_FORWARD_VARIANTS = [1, 2] as const;
export type LinearForwardVariant = (typeof LINEAR_FORWARD_VARIANTS)[number];

const SHADER_V1 = { name: 'linear_forward_v1', code: v1 };
const SHADER_V2 = { name: 'linear_forward_v2', code: v2 };
const V2_WORKGROUP = 64;

/**
 * y = x·weightᵀ + bias.  x: (n, in)  weight: (out, in)  bias: (out)  y: (n, out).
 * A weight larger than one binding (VGG16's fc6 is 411 MB) is bound in blocks of whole rows.
 */
export async function linearForward(
  gpu: Gpu,
  s: LinearShape,
  x: GpuTensor,
  weight: GpuTensor,
  bias: GpuTensor,
  y: GpuTensor,
  variant?: LinearForwardVariant,
): Promise<void> {
  checkLinear('linear_forward', s, { x, weight, bias, y });
  const vectors = s.inFeatures % 4 === 0;
  variant ??= vectors ? 2 : 1;
  if (!LINEAR_FORWARD_VARIANTS.includes(variant)) throw new RangeError(`linear_forward: no variant ${variant}; known: ${LINEAR_FORWARD_VARIANTS.join(', ')}`);
  if (variant === 2 && !vectors) throw new RangeError(`linear_forward: variant 2 needs an input width that is a multiple of 4, not ${s.inFeatures}`);
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : await gpu.pipeline(SHADER_V2, { WG: V2_WORKGROUP, PAIR: s.n > 1 ? 1 : 0 });
  const workgroup = variant === 1 ? ELEMENTWISE_WORKGROUP : V2_WORKGROUP;
  const batches = itemSlices(gpu, 'linear_forward', s.n, { x: s.inFeatures, y: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_forward', s.outFeatures, { 'a weight row': s.inFeatures });
  for (const [n0, n] of batches) {
    const xw = gpu.window(x, n0 * s.inFeatures, n * s.inFeatures);
    const yw = gpu.window(y, n0 * s.outFeatures, n * s.outFeatures);
    for (const [o0, rows] of blocks) {
      const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
      const params = new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, xw.base, ww.base, yw.base]);
      gpu.dispatch(pipeline, params, [xw.binding, ww.binding, gpu.window(bias).binding, yw.binding],
        gpu.grid(Math.ceil((variant === 1 ? n * rows : Math.ceil(rows / 4) * Math.ceil(n / 2)) / workgroup)));
    }
  }
}
