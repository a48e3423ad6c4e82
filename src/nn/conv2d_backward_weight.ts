import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { conv2dPads, conv2dPlain, type Conv2dShape } from '../shapes/mod.ts';
import v1 from '../../shaders/conv2d_backward_weight_v1.wgsl';
import v2 from '../../shaders/conv2d_backward_weight_v2.wgsl';
import v3 from '../../shaders/conv2d_backward_weight_v3.wgsl';
import v4 from '../../shaders/conv2d_backward_weight_v4.wgsl';
import v4Sum from '../../shaders/conv2d_backward_weight_v4_sum.wgsl';
import v5 from '../../shaders/conv2d_backward_weight_v5.wgsl';
import v6 from '../../shaders/conv2d_backward_weight_v6.wgsl';
import { checkConv2d } from './conv2d_check.ts';
import { checkSubgroups } from './check_subgroups.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/**
 * The conv2d backward-to-weights kernels: 1 is the naive one, 2 the register-blocked direct 3×3 kernel
 * with vector loads, 3 the same streaming each input row through registers, for 3×3 kernels with padding 1
 * on rows of whole vec4s, 4 version 3 split over the batch's rows into partial sums and a second pass
 * that adds them up, for layers with too few channels to fill the adapter (running 3 when one split
 * suffices), 5 version 4 sharing its output-gradient loads through 8-lane subgroups, always with the
 * second pass, and 6 the same for 16 output channels an invocation instead of 4 (5 and 6 for input
 * channels in multiples of 8 where `gpu.subgroupSize` is 8). The default is 6 or 4 where they apply;
 * other 3×3 kernels use 2, other sizes 1.
 */
export const CONV2D_BACKWARD_WEIGHT_VARIANTS = [1, 2, 3, 4, 5, 6] as const;
export type Conv2dBackwardWeightVariant = (typeof CONV2D_BACKWARD_WEIGHT_VARIANTS)[number];

const SHADER_V1 = { name: 'conv2d_backward_weight_v1', code: v1 };
const SHADER_V2 = { name: 'conv2d_backward_weight_v2', code: v2 };
const SHADER_V3 = { name: 'conv2d_backward_weight_v3', code: v3 };
const SHADER_V4 = { name: 'conv2d_backward_weight_v4', code: v4 };
const SHADER_V4_SUM = { name: 'conv2d_backward_weight_v4_sum', code: v4Sum };
const SHADER_V5 = { name: 'conv2d_backward_weight_v5', code: v5 };
const SHADER_V6 = { name: 'conv2d_backward_weight_v6', code: v6 };
// v2: each invocation owns 4 output channels of one input channel.
const V2_WORKGROUP = 64;
// v5 and v6 run one 8-lane subgroup a workgroup: on lavapipe v5 took 132 against 152 ms at conv2_2 and
// 147 against 173 at conv4_3 in workgroups of 64.
const SUBGROUP_WORKGROUP = 8;
const V2_CHANNELS = 4;

/**
 * dWeight = ∂L/∂weight and dBias = ∂L/∂bias of a stride-1 zero-padded conv2d, summed over the batch.
 * x: (n, c, h, w)  dy: (n, k, oh, ow)  dWeight: (k, c, size, size)  dBias: (k); both are overwritten.
 */
export async function conv2dBackwardWeight(
  gpu: Gpu,
  shape: Conv2dShape,
  x: GpuTensor,
  dy: GpuTensor,
  dWeight: GpuTensor,
  dBias: GpuTensor,
  variant?: Conv2dBackwardWeightVariant,
): Promise<void> {
  const [oh, ow] = checkConv2d('conv2d_backward_weight', shape, { x, dy, dWeight, dBias });
  const s = conv2dPlain(shape);
  if (s === undefined) {
    // Training stays with VGG-style stacks; the graph's strided convs need only their input gradient.
    throw new RangeError(
      `conv2d_backward_weight: takes stride 1 and the same padding on every side, not stride ${shape.stride ?? 1} and pads (${conv2dPads(shape).join(', ')})`,
    );
  }
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const slices = itemSlices(gpu, 'conv2d_backward_weight', s.n, { x: inImage, dy: outImage });
  // v3 loads whole vec4s of x and dy rows; a window that starts off a vec4 runs v2 instead.
  const streams = s.size === 3 && s.pad === 1 && s.w % 4 === 0;
  // v5's and v6's subgroups of 8 lanes must share their block of K: C a multiple of 8.
  const shares = gpu.subgroupSize === 8 && s.c % 8 === 0;
  variant ??= streams ? (shares ? 6 : 4) : s.size === 3 ? 2 : 1;
  if (!CONV2D_BACKWARD_WEIGHT_VARIANTS.includes(variant)) {
    throw new RangeError(`conv2d_backward_weight: no variant ${variant}; known: ${CONV2D_BACKWARD_WEIGHT_VARIANTS.join(', ')}`);
  }
  if (variant !== 1 && s.size !== 3) throw new RangeError(`conv2d_backward_weight: variant ${variant} takes 3×3 kernels, not ${s.size}×${s.size}`);
  if (variant >= 3 && !streams) {
    throw new RangeError(`conv2d_backward_weight: variant ${variant} takes padding 1 and rows of whole vec4s (width ${s.w}, padding ${s.pad})`);
  }
  const subgroups = variant === 5 || variant === 6;
  if (subgroups) checkSubgroups('conv2d_backward_weight', gpu, variant);
  if (subgroups && s.c % 8 !== 0) {
    throw new RangeError(`conv2d_backward_weight: variant ${variant} takes input channels in multiples of 8, not ${s.c}`);
  }
  const invocations = variant === 1 ? dWeight.length + s.k : Math.ceil(s.k / V2_CHANNELS) * s.c;
  // The split kernels' invocations: v6 owns 16 output channels, v4 and v5 own 4.
  const splitInvocations = Math.ceil(s.k / (variant === 6 ? 16 : V2_CHANNELS)) * s.c;
  const workgroup = variant === 1 ? ELEMENTWISE_WORKGROUP : V2_WORKGROUP;
  for (const [index, [n0, n]] of slices.entries()) {
    const splits = variant >= 4 ? v4Splits(gpu, s, n, oh, splitInvocations) : 1;
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    // Later runs of the batch add to what the first wrote.
    const accumulate = index > 0 ? 1 : 0;
    const outputs = [gpu.window(dWeight).binding, gpu.window(dBias).binding];
    if (variant === 1) {
      const pipeline = await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP });
      const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.size, s.pad, xw.base, dyw.base, accumulate]);
      gpu.dispatch(pipeline, params, [xw.binding, dyw.binding, ...outputs], gpu.grid(Math.ceil(invocations / workgroup)));
    } else if ((splits > 1 || subgroups) && xw.base % 4 === 0 && dyw.base % 4 === 0) {
      const stride = dWeight.length + s.k;
      const partial = gpu.scratch('conv2d_backward_weight_v4 partial sums', splits * stride);
      const partialBinding = gpu.window(partial, 0, splits * stride).binding;
      const wg = subgroups ? SUBGROUP_WORKGROUP : V2_WORKGROUP;
      const pipeline = await gpu.pipeline(variant === 6 ? SHADER_V6 : variant === 5 ? SHADER_V5 : SHADER_V4, { WG: wg });
      const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.pad, xw.base, dyw.base, splits]);
      gpu.dispatch(pipeline, params, [xw.binding, dyw.binding, partialBinding], gpu.grid(Math.ceil((splits * splitInvocations) / wg)));
      if (splits === 1 && accumulate === 0) {
        // Nothing to add up: copying is far cheaper than the sum pass (VGG16's conv4_3 has 2.4M weights).
        gpu.copy(partial, 0, dWeight, 0, dWeight.length);
        gpu.copy(partial, dWeight.length, dBias, 0, s.k);
      } else {
        const sum = await gpu.pipeline(SHADER_V4_SUM, { WG: ELEMENTWISE_WORKGROUP });
        gpu.dispatch(sum, new Uint32Array([dWeight.length, s.k, splits, accumulate]), [partialBinding, ...outputs], gpu.grid(Math.ceil(stride / ELEMENTWISE_WORKGROUP)));
      }
    } else if (variant >= 3 && xw.base % 4 === 0 && dyw.base % 4 === 0) {
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

/**
 * How many runs v4 cuts the n · ⌈oh/2⌉ (image, row pair) units of a batch into: enough for the adapter's
 * `fillInvocations` (an H100 ran VGG16's conv1_1 weight gradient, 48 invocations unsplit, at 22 GFLOP/s),
 * at most one a unit, and few enough for the partial sums to fit one binding.
 */
function v4Splits(gpu: Gpu, s: Conv2dShape, n: number, oh: number, invocations: number): number {
  const units = n * Math.ceil(oh / 2);
  const stride = s.k * s.c * 9 + s.k;
  const fit = Math.max(1, Math.floor(gpu.maxWindowElements / stride));
  return Math.max(1, Math.min(units, fit, Math.ceil(gpu.fillInvocations / invocations)));
}
