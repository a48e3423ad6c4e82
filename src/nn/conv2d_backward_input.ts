import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { conv2dPads, conv2dPlain, type Conv2dShape } from '../shapes/mod.ts';
import v1 from '../../shaders/conv2d_backward_input_v1.wgsl';
import v2 from '../../shaders/conv2d_backward_input_v2.wgsl';
import v8 from '../../shaders/conv2d_backward_input_v8.wgsl';
import { checkConv2d } from './conv2d_check.ts';
import { checkSubgroups } from './check_subgroups.ts';
import { conv2dForwardDirect, conv2dPointwise, conv2dPointwiseShape, conv3x3Variant, DIRECT_WORKGROUP, pointwiseLayoutFits, V9_CHANNELS } from './conv2d_forward.ts';
import { conv2dWinograd } from './conv2d_winograd.ts';
import { conv2dWinogradWeight, WINOGRAD_VARIANT_TILES } from './conv2d_winograd_weight.ts';
import { CHANNEL_BLOCK } from './conv2d_weight_layout.ts';
import { type ConvWeightCache, weightLayout } from './conv_weight_cache.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';
import { checkEpilogue, type Epilogue, epilogueCode, epilogueWindow } from './epilogue.ts';

/**
 * The conv2d backward-to-input kernels: 1 is the naive one, 2 the tiled implicit GEMM, 3 to 7 the
 * forward kernels conv2d_forward_v3 to v7 run as the transposed convolution (dy, the weight turned
 * 180° with its channel roles swapped, padding size − 1 − pad). 1 and 2 take any kernel size, stride and
 * padding (with a stride, each input pixel gathers only the taps that read it), as does 8, the general
 * direct gather (8 channels × 8 pixels of one phase modulo the stride an invocation); 3 to 7 only 3×3
 * kernels with stride 1 and the same padding on every side, as do 10, 11 and 12, Winograd's F(2×2, 3×3),
 * F(4×4, 3×3) and F(6×6, 3×3) run as the same transposed convolution; 9, conv2d_forward_v9's matrix product with the
 * weight transposed (dx = wᵀ·dy per image, written every stride pixels, the rest zero), only 1×1 kernels
 * without padding. With `gpu.kernels` tuned the default is the measured choice of `conv3x3Variant` for
 * those 3×3 kernels, 9 for 1×1 kernels without padding and 8 for every other shape; portable kernels use 2.
 */
export const CONV2D_BACKWARD_INPUT_VARIANTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
export type Conv2dBackwardInputVariant = (typeof CONV2D_BACKWARD_INPUT_VARIANTS)[number];

const SHADER_V1 = { name: 'conv2d_backward_input_v1', code: v1 };
const SHADER_V2 = { name: 'conv2d_backward_input_v2', code: v2 };
const SHADER_V8 = { name: 'conv2d_backward_input_v8', code: v8 };
// v8's invocation: 8 input channels × 8 pixels of one row and phase.
const V8_BLOCK = 8;
// v2's tile: 64 input channels × 64 pixels, in reduction slabs of TK.
const V2_TILE = 64;
const V2_SLAB = 16;

/**
 * dx = ∂L/∂x from dy = ∂L/∂y of a conv2d with the shape's stride and zero padding.
 * dy: (n, k, oh, ow)  weight: (k, c, size, size)  dx: (n, c, h, w), written (not accumulated). Input
 * rows and columns that no window reached (floor mode with a stride) get zero. With `kept`, the kernels
 * take the flipped weight as they read it (laid out, or its Winograd transform) from it, made once,
 * instead of making it on every call, and where `kept.winograd` the default may be Winograd
 * (`conv3x3Variant`). `epilogue` applies the backward rule of a ReLU below as dx is stored (see Epilogue;
 * its mask is that ReLU's output, shaped as dx): only the variants in
 * BACKWARD_INPUT_EPILOGUE_VARIANTS take one (a RangeError for the others); `conv2dBackwardInputVariant`
 * says which variant the default picks.
 */
export async function conv2dBackwardInput(
  gpu: Gpu,
  s: Conv2dShape,
  dy: GpuTensor,
  weight: GpuTensor,
  dx: GpuTensor,
  variant?: Conv2dBackwardInputVariant,
  kept?: ConvWeightCache,
  epilogue?: Epilogue,
): Promise<void> {
  const [oh, ow] = checkConv2d('conv2d_backward_input', s, { dy, weight, dx });
  if (epilogue?.kind === 'relu') throw new RangeError('conv2d_backward_input: the epilogue is a ReLU rule (gradient, deconvnet, guided), not relu');
  checkEpilogue('conv2d_backward_input', epilogue, dx.length);
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const slices = itemSlices(gpu, 'conv2d_backward_input', s.n, { dx: inImage, dy: outImage });
  const plain = conv2dPlain(s);
  const pointwise = conv2dPointwiseShape(s);
  // As a convolution of dy, the transposed one maps k channels to c with padding size − 1 − pad.
  const transposed = plain && { n: s.n, c: s.k, h: oh, w: ow, k: s.c, size: s.size, pad: s.size - 1 - plain.pad };
  variant ??= conv2dBackwardInputVariant(gpu, s, kept?.winograd === true);
  if (!CONV2D_BACKWARD_INPUT_VARIANTS.includes(variant)) {
    throw new RangeError(`conv2d_backward_input: no variant ${variant}; known: ${CONV2D_BACKWARD_INPUT_VARIANTS.join(', ')}`);
  }
  if (epilogue !== undefined && !BACKWARD_INPUT_EPILOGUE_VARIANTS.includes(variant)) {
    throw new RangeError(`conv2d_backward_input: variant ${variant} takes no epilogue; ${BACKWARD_INPUT_EPILOGUE_VARIANTS.join(', ')} do`);
  }
  if (variant === 9) {
    if (!pointwise) throw new RangeError(`conv2d_backward_input: variant 9 takes 1×1 kernels without padding, not ${s.size}×${s.size} with pads (${conv2dPads(s).join(', ')})`);
    checkSubgroups('conv2d_backward_input', gpu, variant);
    const stride = s.stride ?? 1;
    // With a stride, only every stride-th pixel of dx gathers anything: the rest are zeroed here first.
    if (stride > 1) {
      const zeros = gpu.scratch('zeros', Math.min(dx.length, gpu.maxWindowElements));
      for (let at = 0; at < dx.length; at += zeros.length) gpu.copy(zeros, 0, dx, at, Math.min(zeros.length, dx.length - at));
    }
    const { wt, padded } = await weightLayout(gpu, kept, weight, s.k, s.c, 1, true, V9_CHANNELS);
    const flipped = { n: s.n, c: s.k, h: oh, w: ow, k: s.c, oh: s.h, ow: s.w };
    await conv2dPointwise(gpu, flipped, dy, wt, padded, gpu.scratch('zeros', s.c), dx, slices, { gh: oh, gw: ow, inStride: 1, outStride: stride }, epilogue);
    return;
  }
  if (variant === 8) {
    const { wt, padded } = await weightLayout(gpu, kept, weight, s.k, s.c, s.size, true);
    const [top, left] = conv2dPads(s);
    const stride = s.stride ?? 1;
    // A 1×1 stride-1 conv without padding maps pixels to pixels: its planes are taken as one row of h·w.
    const flat = s.size === 1 && plain?.pad === 0;
    const [h, w, fh, fw] = flat ? [1, s.h * s.w, 1, oh * ow] : [s.h, s.w, oh, ow];
    const wtw = gpu.window(wt, 0, s.k * s.size * s.size * padded);
    const items = Math.ceil(s.c / V8_BLOCK) * h * stride * Math.ceil(Math.ceil(w / stride) / V8_BLOCK);
    const [gx, gy] = gpu.grid(Math.ceil(items / DIRECT_WORKGROUP));
    for (const [n0, n] of slices) {
      const dyw = gpu.window(dy, n0 * outImage, n * outImage);
      const dxw = gpu.window(dx, n0 * inImage, n * inImage);
      const aligned = s.size === 1 && plain?.pad === 0 && fw % 4 === 0 && dyw.base % 4 === 0;
      const pipeline = await gpu.pipeline(SHADER_V8, { WG: DIRECT_WORKGROUP, ALIGNED: aligned ? 1 : 0, EPILOGUE: epilogueCode(epilogue) });
      // Without a mask to read, the mask binding takes dy (read-only, never read through it).
      const mw = epilogueWindow(gpu, epilogue, n0 * inImage, n * inImage);
      const params = new Uint32Array([n, s.c, h, w, s.k, fh, fw, padded, s.size, stride, top, left, dyw.base, dxw.base, mw?.base ?? 0]);
      gpu.dispatch(pipeline, params, [dyw.binding, dyw.binding, wtw.binding, dxw.binding, (mw ?? dyw).binding], [gx, gy, n]);
    }
    return;
  }
  if (variant !== 1 && variant !== 2) {
    if (s.size !== 3) throw new RangeError(`conv2d_backward_input: variant ${variant} takes 3×3 kernels, not ${s.size}×${s.size}`);
    if (!transposed) throw new RangeError(`conv2d_backward_input: variant ${variant} takes stride 1 and the same padding on every side, not stride ${s.stride ?? 1} and pads (${conv2dPads(s).join(', ')})`);
    if (variant === 10 || variant === 11 || variant === 12) {
      const tile = WINOGRAD_VARIANT_TILES[variant];
      const u = kept ? await kept.winogradWeight(gpu, weight, s.k, s.c, tile, true) : await conv2dWinogradWeight(gpu, weight, s.k, s.c, tile, true);
      await conv2dWinograd(gpu, transposed, dy, u, gpu.scratch('zeros', s.c), dx, undefined, epilogue);
      return;
    }
    if (variant >= 5) checkSubgroups('conv2d_backward_input', gpu, variant);
    const { wt, padded } = await weightLayout(gpu, kept, weight, s.k, s.c, s.size, true);
    await conv2dForwardDirect(gpu, transposed, s.h, s.w, dy, wt, padded, gpu.scratch('zeros', s.c), dx, slices, variant, epilogue);
    return;
  }
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : await gpu.pipeline(SHADER_V2, { TK: V2_SLAB });
  const [top, left] = conv2dPads(s);
  for (const [n0, n] of slices) {
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    const dxw = gpu.window(dx, n0 * inImage, n * inImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.size, top, dyw.base, dxw.base, s.stride ?? 1, left]);
    const workgroups = variant === 1
      ? gpu.grid(Math.ceil((n * inImage) / ELEMENTWISE_WORKGROUP))
      : ([Math.ceil((s.h * s.w) / V2_TILE), Math.ceil(s.c / V2_TILE), n] as const);
    gpu.dispatch(pipeline, params, [dyw.binding, gpu.window(weight).binding, dxw.binding], workgroups);
  }
}

/** The variants that take an epilogue (a ReLU rule applied as dx is stored): all but the naive and the tiled implicit GEMM (1, 2). */
export const BACKWARD_INPUT_EPILOGUE_VARIANTS: readonly Conv2dBackwardInputVariant[] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/**
 * The variant conv2dBackwardInput picks for `s` when given none (`winograd`: the caller keeps Winograd
 * transforms): for a 3×3 stride-1 layer, the forward default of its transposed convolution.
 */
export function conv2dBackwardInputVariant(gpu: Gpu, s: Conv2dShape, winograd: boolean): Conv2dBackwardInputVariant {
  const plain = conv2dPlain(s);
  // The direct kernels and v8 bind the rearranged weight whole, its input channels padded to 8; where that
  // exceeds a binding (a small maxBindingBytes) the default falls back to v2, which binds the weight as it is.
  const layoutFits = s.k * s.size * s.size * Math.ceil(s.c / CHANNEL_BLOCK) * CHANNEL_BLOCK <= gpu.maxWindowElements;
  // 1×1 kernels without padding take v9 where subgroups are 8 lanes (why: conv2d_forward's default).
  if (gpu.kernels !== 'tuned' || !layoutFits) return 2;
  if (s.size === 3 && plain) {
    const [oh, ow] = [s.h + 2 * plain.pad - 2, s.w + 2 * plain.pad - 2];
    return conv3x3Variant(gpu, { n: s.n, c: s.k, h: oh, w: ow, k: s.c, size: 3, pad: 2 - plain.pad }, winograd);
  }
  return conv2dPointwiseShape(s) && gpu.subgroupSize === 8 && pointwiseLayoutFits(gpu, s.k, s.c) ? 9 : 8;
}
