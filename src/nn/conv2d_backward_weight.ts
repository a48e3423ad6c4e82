import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { Conv2dShape } from '../shapes/mod.ts';
import v1 from '../../shaders/conv2d_backward_weight_v1.wgsl';
import v2 from '../../shaders/conv2d_backward_weight_v2.wgsl';
import v3 from '../../shaders/conv2d_backward_weight_v3.wgsl';
import { checkConv2d } from './conv2d_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/**
 * The conv2d backward-to-weights kernels: 1 is the naive one, 2 the register-blocked direct 3×3 kernel
 * with vector loads, 3 the same streaming each input row through registers, for 3×3 kernels with padding 1
 * on rows of whole vec4s (the default where it applies; other 3×3 kernels use 2, other sizes 1).
 */
export const CONV2D_BACKWARD_WEIGHT_VARIANTS = [1, 2, 3] as const;
export type Conv2dBackwardWeightVariant = (typeof CONV2D_BACKWARD_WEIGHT_VARIANTS)[number];

const SHADER_V1 = { name: 'conv2d_backward_weight_v1', code: v1 };
const SHADER_V2 = { name: 'conv2d_backward_weight_v2', code: v2 };
const SHADER_V3 = { name: 'conv2d_backward_weight_v3', code: v3 };
// v2: each invocation owns 4 output channels of one input channel.
const V2_WORKGROUP = 64;
const V2_CHANNELS = 4;

/**
 * dWeight = ∂L/∂weight and dBias = ∂L/∂bias of a stride-1 zero-padded conv2d, summed over the batch.
 * x: (n, c, h, w)  dy: (n, k, oh, ow)  dWeight: (k, c, size, size)  dBias: (k); both are overwritten.
 */
export async function conv2dBackwardWeight(
  gpu: Gpu,
  s: Conv2dShape,
  x: GpuTensor,
  dy: GpuTensor,
  dWeight: GpuTensor,
  dBias: GpuTensor,
  variant?: Conv2dBackwardWeightVariant,
): Promise<void> {
  const [oh, ow] = checkConv2d('conv2d_backward_weight', s, { x, dy, dWeight, dBias });
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const slices = itemSlices(gpu, 'conv2d_backward_weight', s.n, { x: inImage, dy: outImage });
  // v3 loads whole vec4s of x and dy rows; a window that starts off a vec4 runs v2 instead.
  const streams = s.size === 3 && s.pad === 1 && s.w % 4 === 0;
  variant ??= streams ? 3 : s.size === 3 ? 2 : 1;
  if (!CONV2D_BACKWARD_WEIGHT_VARIANTS.includes(variant)) {
    throw new RangeError(`conv2d_backward_weight: no variant ${variant}; known: ${CONV2D_BACKWARD_WEIGHT_VARIANTS.join(', ')}`);
  }
  if (variant !== 1 && s.size !== 3) throw new RangeError(`conv2d_backward_weight: variant ${variant} takes 3×3 kernels, not ${s.size}×${s.size}`);
  if (variant === 3 && !streams) {
    throw new RangeError(`conv2d_backward_weight: variant 3 takes padding 1 and rows of whole vec4s (width ${s.w}, padding ${s.pad})`);
  }
  const invocations = variant === 1 ? dWeight.length + s.k : Math.ceil(s.k / V2_CHANNELS) * s.c;
  const workgroup = variant === 1 ? ELEMENTWISE_WORKGROUP : V2_WORKGROUP;
  for (const [index, [n0, n]] of slices.entries()) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    // Later runs of the batch add to what the first wrote.
    const accumulate = index > 0 ? 1 : 0;
    const outputs = [gpu.window(dWeight).binding, gpu.window(dBias).binding];
    if (variant === 1) {
      const pipeline = await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP });
      const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.size, s.pad, xw.base, dyw.base, accumulate]);
      gpu.dispatch(pipeline, params, [xw.binding, dyw.binding, ...outputs], gpu.grid(Math.ceil(invocations / workgroup)));
    } else if (variant === 3 && xw.base % 4 === 0 && dyw.base % 4 === 0) {
      const pipeline = await gpu.pipeline(SHADER_V3, { WG: V2_WORKGROUP });
      const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.pad, xw.base, dyw.base, accumulate]);
      gpu.dispatch(pipeline, params, [xw.binding, dyw.binding, ...outputs], gpu.grid(Math.ceil(invocations / workgroup)));
    } else {
      // Rows of whole vec4s, starting on a vec4, let the kernel load 4 pixels at once.
      const vectors = s.w % 4 === 0 && ow % 4 === 0 && xw.base % 4 === 0 && dyw.base % 4 === 0;
      const pipeline = await gpu.pipeline(SHADER_V2, { WG: V2_WORKGROUP, VEC: vectors ? 1 : 0 });
      const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.pad, xw.base, dyw.base, accumulate]);
      gpu.dispatch(pipeline, params, [xw.binding, xw.binding, dyw.binding, dyw.binding, ...outputs], gpu.grid(Math.ceil(invocations / workgroup)));
    }
  }
}
