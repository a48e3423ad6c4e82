import { type Gpu, GPU_FILL_INVOCATIONS, type GpuTensor } from '../gpu/mod.ts';
import { conv2dPads, conv2dPlain, type Conv2dShape } from '../shapes/mod.ts';
import v1 from '../../shaders/conv2d_forward_v1.wgsl';
import v2 from '../../shaders/conv2d_forward_v2.wgsl';
import v3 from '../../shaders/conv2d_forward_v3.wgsl';
import v4 from '../../shaders/conv2d_forward_v4.wgsl';
import v5 from '../../shaders/conv2d_forward_v5.wgsl';
import v6 from '../../shaders/conv2d_forward_v6.wgsl';
import v7 from '../../shaders/conv2d_forward_v7.wgsl';
import v8 from '../../shaders/conv2d_forward_v8.wgsl';
import v9 from '../../shaders/conv2d_forward_v9.wgsl';
import { checkConv2d } from './conv2d_check.ts';
import { checkSubgroups } from './check_subgroups.ts';
import { CHANNEL_BLOCK } from './conv2d_weight_layout.ts';
import { type ConvWeightCache, weightLayout } from './conv_weight_cache.ts';
import { conv2dWinograd, winogradImagesPerRun } from './conv2d_winograd.ts';
import { conv2dWinogradWeight, WINOGRAD_CHANNEL_BLOCK, WINOGRAD_VARIANTS, type WinogradTile, WINOGRAD_VARIANT_TILES } from './conv2d_winograd_weight.ts';
import { winogradTableTile } from './winograd_table.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';
import { checkEpilogue, type Epilogue, epilogueCode, epilogueWindow } from './epilogue.ts';
import { conv2dSplitSum } from './conv2d_split_sum.ts';

/**
 * The conv2d forward kernels: 1 is the naive one, 2 the tiled implicit GEMM, 3 the register-blocked
 * direct 3×3 convolution with vector loads (8 channels × 8 pixels an invocation), 4 the same with 16
 * pixels, 5 version 4 sharing its weight loads through 8-lane subgroups, 6 the same with 16 channels × 8
 * pixels, 7 32 channels × 8 pixels with the subgroup's lanes on neighbouring rows, sharing input rows
 * (5 to 7 only where `gpu.subgroupSize` is 8), 8 the general direct kernel (8 channels × 8 pixels an
 * invocation, any kernel size, stride and padding), 9 the 1×1 convolution as a matrix product per image
 * (32 channels × 8 points an invocation, the weights shared through 8-lane subgroups), 10, 11 and 12
 * Winograd's F(2×2, 3×3), F(4×4, 3×3) and F(6×6, 3×3) (conv2dWinograd: input transform, batched products,
 * output transform). 1, 2 and 8 take any kernel size, stride and padding; 3 to 7 and 10 to 12 only 3×3 kernels with
 * stride 1 and the same padding on every side; 9 only 1×1 kernels without padding, any stride. With
 * `gpu.kernels` tuned the default is the measured choice of `conv3x3Variant` for those 3×3 kernels, 9 for
 * 1×1 kernels without padding and 8 for every other shape; portable kernels use 2.
 */
export const CONV2D_FORWARD_VARIANTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
export type Conv2dForwardVariant = (typeof CONV2D_FORWARD_VARIANTS)[number];

const SHADER_V1 = { name: 'conv2d_forward_v1', code: v1 };
const SHADER_V2 = { name: 'conv2d_forward_v2', code: v2 };
// v2's tile: 64 output channels × 64 pixels, in reduction slabs of TK.
const V2_TILE = 64;
const V2_SLAB = 16;
const SHADER_V3 = { name: 'conv2d_forward_v3', code: v3 };
const SHADER_V8 = { name: 'conv2d_forward_v8', code: v8 };
const SHADER_V9 = { name: 'conv2d_forward_v9', code: v9 };
// v9's invocation: 32 output channels × 8 grid points; its workgroup is one 8-lane subgroup.
export const V9_CHANNELS = 32;
const V9_POINTS = 8;
const V9_WORKGROUP = 8;
// v8's outputs an invocation: 8 channels × 8 pixels of a row; its workgroup, as the direct kernels'.
const V8_BLOCK = 8;
// What an invocation of each direct kernel computes: `channels` output channels × `pixels` of a row;
// `workgroup` invocations a workgroup, on as many (row, pixel group) items, or for v7 (`rows`) on 8
// rows of one pixel group. The subgroup kernels run one subgroup a workgroup: on lavapipe v6 in
// workgroups of 8 against 32 took 100 against 119 ms at conv2_2, 121 against 131 at conv4_3.
export const DIRECT_WORKGROUP = 32;
const DIRECT = {
  3: { shader: SHADER_V3, pixels: 8, channels: CHANNEL_BLOCK, workgroup: DIRECT_WORKGROUP, rows: false },
  4: { shader: { name: 'conv2d_forward_v4', code: v4 }, pixels: 16, channels: CHANNEL_BLOCK, workgroup: DIRECT_WORKGROUP, rows: false },
  5: { shader: { name: 'conv2d_forward_v5', code: v5 }, pixels: 16, channels: CHANNEL_BLOCK, workgroup: 8, rows: false },
  6: { shader: { name: 'conv2d_forward_v6', code: v6 }, pixels: 8, channels: 2 * CHANNEL_BLOCK, workgroup: 8, rows: false },
  7: { shader: { name: 'conv2d_forward_v7', code: v7 }, pixels: 8, channels: 4 * CHANNEL_BLOCK, workgroup: 8, rows: true },
} as const;
export type DirectVariant = keyof typeof DIRECT;

/**
 * y = conv(x, weight) + bias, with the shape's stride and zero padding (`conv2dPads`).
 * x: (n, c, h, w)  weight: (k, c, size, size)  bias: (k)  y: (n, k, oh, ow) (`conv2dOutputSize`). The
 * batch is dispatched in runs of images that fit one binding, so x and y may exceed it. A conv without
 * bias takes a tensor of zeros. With `kept`, the kernels take the weight as they read it (laid out, or
 * its Winograd transform) from it, made once, instead of making it on every call, and where `kept.winograd`
 * the default may be Winograd (`conv3x3Variant`).
 * `epilogue` fuses a ReLU into the store (see Epilogue; `relu` gives y = max(conv + bias, 0)): only the
 * variants in EPILOGUE_VARIANTS take one (a RangeError for the others); `conv2dForwardVariant` says
 * which variant the default picks.
 */
export async function conv2dForward(
  gpu: Gpu,
  s: Conv2dShape,
  x: GpuTensor,
  weight: GpuTensor,
  bias: GpuTensor,
  y: GpuTensor,
  variant?: Conv2dForwardVariant,
  kept?: ConvWeightCache,
  epilogue?: Epilogue,
): Promise<void> {
  const [oh, ow] = checkConv2d('conv2d_forward', s, { x, weight, bias, y });
  checkEpilogue('conv2d_forward', epilogue, y.length);
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const slices = itemSlices(gpu, 'conv2d_forward', s.n, { x: inImage, y: outImage });
  const plain = conv2dPlain(s);
  variant ??= conv2dForwardVariant(gpu, s, kept?.winograd === true);
  if (!CONV2D_FORWARD_VARIANTS.includes(variant)) {
    throw new RangeError(`conv2d_forward: no variant ${variant}; known: ${CONV2D_FORWARD_VARIANTS.join(', ')}`);
  }
  if (epilogue !== undefined && !EPILOGUE_VARIANTS.includes(variant)) {
    throw new RangeError(`conv2d_forward: variant ${variant} takes no epilogue; ${EPILOGUE_VARIANTS.join(', ')} do`);
  }
  const pointwise = conv2dPointwiseShape(s);
  if (variant === 9) {
    if (!pointwise) throw new RangeError(`conv2d_forward: variant 9 takes 1×1 kernels without padding, not ${s.size}×${s.size} with pads (${conv2dPads(s).join(', ')})`);
    checkSubgroups('conv2d_forward', gpu, variant);
    const { wt, padded } = await weightLayout(gpu, kept, weight, s.k, s.c, 1, false, V9_CHANNELS);
    const stride = s.stride ?? 1;
    await conv2dPointwise(gpu, { n: s.n, c: s.c, h: s.h, w: s.w, k: s.k, oh, ow }, x, wt, padded, bias, y, slices, { gh: oh, gw: ow, inStride: stride, outStride: 1 }, epilogue);
    return;
  }
  if (variant === 10 || variant === 11 || variant === 12) {
    const tile = WINOGRAD_VARIANT_TILES[variant];
    if (s.size !== 3) throw new RangeError(`conv2d_forward: variant ${variant} takes 3×3 kernels, not ${s.size}×${s.size}`);
    if (!plain) throw new RangeError(`conv2d_forward: variant ${variant} takes stride 1 and the same padding on every side, not stride ${s.stride ?? 1} and pads (${conv2dPads(s).join(', ')})`);
    const u = kept ? await kept.winogradWeight(gpu, weight, s.k, s.c, tile, false) : await conv2dWinogradWeight(gpu, weight, s.k, s.c, tile, false);
    await conv2dWinograd(gpu, plain, x, u, bias, y, undefined, epilogue);
    return;
  }
  if (variant === 8) {
    const { wt, padded } = await weightLayout(gpu, kept, weight, s.k, s.c, s.size, false);
    const [top, left] = conv2dPads(s);
    // A 1×1 stride-1 conv without padding maps pixels to pixels: its planes are taken as one row of h·w.
    const flat = s.size === 1 && plain?.pad === 0;
    const [h, w, fh, fw] = flat ? [1, s.h * s.w, 1, oh * ow] : [s.h, s.w, oh, ow];
    const wtw = gpu.window(wt, 0, s.c * s.size * s.size * padded);
    for (const [n0, n] of slices) {
      const xw = gpu.window(x, n0 * inImage, n * inImage);
      const yw = gpu.window(y, n0 * outImage, n * outImage);
      const aligned = s.size === 1 && plain?.pad === 0 && w % 4 === 0 && xw.base % 4 === 0;
      const pipeline = await gpu.pipeline(SHADER_V8, { WG: DIRECT_WORKGROUP, ALIGNED: aligned ? 1 : 0, EPILOGUE: epilogueCode(epilogue) });
      // Without a mask to read, the mask binding takes the bias (read-only, never read).
      const bw = gpu.window(bias);
      const mw = epilogueWindow(gpu, epilogue, n0 * outImage, n * outImage);
      const params = new Uint32Array([n, s.c, h, w, s.k, fh, fw, padded, s.size, s.stride ?? 1, top, left, xw.base, yw.base, mw?.base ?? 0]);
      const items = Math.ceil(s.k / V8_BLOCK) * fh * Math.ceil(fw / V8_BLOCK);
      const [gx, gy] = gpu.grid(Math.ceil(items / DIRECT_WORKGROUP));
      gpu.dispatch(pipeline, params, [xw.binding, xw.binding, wtw.binding, bw.binding, yw.binding, (mw ?? bw).binding], [gx, gy, n]);
    }
    return;
  }
  if (variant !== 1 && variant !== 2) {
    if (s.size !== 3) throw new RangeError(`conv2d_forward: variant ${variant} takes 3×3 kernels, not ${s.size}×${s.size}`);
    if (!plain) throw new RangeError(`conv2d_forward: variant ${variant} takes stride 1 and the same padding on every side, not stride ${s.stride ?? 1} and pads (${conv2dPads(s).join(', ')})`);
    if (variant >= 5) checkSubgroups('conv2d_forward', gpu, variant);
    const { wt, padded } = await weightLayout(gpu, kept, weight, s.k, s.c, s.size, false);
    await conv2dForwardDirect(gpu, plain, oh, ow, x, wt, padded, bias, y, slices, variant, epilogue);
    return;
  }
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : await gpu.pipeline(SHADER_V2, { TK: V2_SLAB });
  const [top, left] = conv2dPads(s);
  for (const [n0, n] of slices) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.size, top, xw.base, yw.base, s.stride ?? 1, left]);
    const bindings = [xw.binding, gpu.window(weight).binding, gpu.window(bias).binding, yw.binding];
    const workgroups = variant === 1
      ? gpu.grid(Math.ceil((n * outImage) / ELEMENTWISE_WORKGROUP))
      : ([Math.ceil((oh * ow) / V2_TILE), Math.ceil(s.k / V2_TILE), n] as const);
    gpu.dispatch(pipeline, params, bindings, workgroups);
  }
}

/** The variants that take an epilogue (a fused ReLU): all but the naive and the tiled implicit GEMM (1, 2). */
export const EPILOGUE_VARIANTS: readonly Conv2dForwardVariant[] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/**
 * The variant conv2dForward picks for `s` when given none (`winograd`: the caller keeps Winograd
 * transforms). Whether it takes an epilogue: `EPILOGUE_VARIANTS.includes(conv2dForwardVariant(…))`.
 */
export function conv2dForwardVariant(gpu: Gpu, s: Conv2dShape, winograd: boolean): Conv2dForwardVariant {
  const plain = conv2dPlain(s);
  // The direct kernels and v8 bind the rearranged weight whole, its output channels padded to 8; where
  // that exceeds a binding (a small maxBindingBytes) the default falls back to v2, which binds the weight as it is.
  const layoutFits = s.c * s.size * s.size * Math.ceil(s.k / CHANNEL_BLOCK) * CHANNEL_BLOCK <= gpu.maxWindowElements;
  // 1×1 kernels without padding take v9 where subgroups are 8 lanes: on lavapipe, in CPU-seconds, it ran
  // ResNet-50's 1×1/2 projections 1.4–2.9× and its 1×1 layers at 7×7 1.1–2.1× faster than v8, and its other 1×1
  // layers about as fast or faster (docs/kernels-graph.md).
  return gpu.kernels !== 'tuned' || !layoutFits
    ? 2
    : s.size === 3 && plain !== undefined
    ? conv3x3Variant(gpu, plain, winograd)
    : conv2dPointwiseShape(s) && gpu.subgroupSize === 8 && pointwiseLayoutFits(gpu, s.c, s.k) ? 9 : 8;
}

/**
 * Whether F(tile×tile, 3×3) can run a 3×3 stride-1 layer with c → k channels here: its transformed weight
 * and at least one image's transformed input and products each fit one binding.
 */
export function winogradFits(gpu: Gpu, s: Conv2dShape, tile: WinogradTile): boolean {
  const padded = Math.ceil(s.k / WINOGRAD_CHANNEL_BLOCK) * WINOGRAD_CHANNEL_BLOCK;
  // Padding 2 makes the output larger than the input: count the larger of the two, as conv2dWinograd does.
  const [h, w] = [Math.max(s.h, s.h + 2 * s.pad - 2), Math.max(s.w, s.w + 2 * s.pad - 2)];
  return (tile + 2) ** 2 * s.c * padded <= gpu.maxWindowElements && winogradImagesPerRun(gpu, { ...s, n: 1, h, w }, tile, padded) >= 1;
}

/**
 * The default kernel for a 3×3 stride-1 convolution with equal padding `s` (the gradient to the input
 * passes its transposed convolution: dy's k channels in, c out). The direct kernel of `directVariant`,
 * unless `winograd` (the caller keeps Winograd transforms, and so opts in) and `winogradChoice` says
 * Winograd measured faster for the layer's size and channels, and it fits. Winograd is not the default
 * for every caller: its rounding differs from the direct kernels' (up to about 3e-5 of a layer's largest
 * value), and as every model's default it made at least 3 of vgg-cluttered's 10 class models part from the float64
 * ascent at kinks in test/cli_shipped_models.test.ts, which allows 1 (see docs/winograd.md).
 */
export function conv3x3Variant(gpu: Gpu, s: Conv2dShape, winograd: boolean): Conv2dForwardVariant {
  const oh = s.h + 2 * s.pad - 2;
  const ow = s.w + 2 * s.pad - 2;
  const tile = winograd ? winogradChoice(gpu, oh, ow, s.c, s.k, s.n) : undefined;
  if (tile !== undefined && winogradFits(gpu, s, tile)) return WINOGRAD_VARIANTS[tile];
  return directVariant(gpu, oh, ow, s.k);
}

/**
 * The Winograd tile that measured faster than the direct kernels for a 3×3 layer with c → k channels
 * and an oh×ow output, or undefined where none did: WINOGRAD_TABLE's choice, where the adapter runs
 * 8-lane subgroups (lavapipe, where it was measured, with product kernel v2). Elsewhere nothing was
 * measured, and the direct kernels stay.
 */
export function winogradChoice(gpu: Gpu, oh: number, ow: number, c: number, k: number, n = 1): WinogradTile | undefined {
  return gpu.subgroupSize === 8 ? winogradTableTile(oh, ow, c, k, n) : undefined;
}

/**
 * The direct kernel for a 3×3 layer with `k` output channels. Where the adapter runs 8-lane subgroups,
 * v7 (32 channels an invocation) for more than 16 channels, v6 (16) for more than 8, else v5 or v3.
 * Elsewhere 16 pixels an invocation (v4) unless those workgroups would leave many more lanes idle than
 * v3's 8 pixels: a workgroup covers DIRECT_WORKGROUP (row, pixel group) items, and at conv5_3 (14×14) v4
 * has 14 of them per channel block, under half a workgroup, where v3 has 28 (measured there: v3 7.6
 * GFLOP/s, v4 5.3).
 */
export function directVariant(gpu: Gpu, oh: number, ow: number, k: number): DirectVariant {
  const busy = (pixels: number) => {
    const items = oh * Math.ceil(ow / pixels);
    return items / (Math.ceil(items / DIRECT_WORKGROUP) * DIRECT_WORKGROUP);
  };
  const sixteen = busy(16) >= 0.9 * busy(8);
  if (gpu.subgroupSize === 8) return k > 2 * CHANNEL_BLOCK ? 7 : k > CHANNEL_BLOCK ? 6 : sixteen ? 5 : 3;
  return sixteen ? 4 : 3;
}

/**
 * Runs one of conv2d_forward_v3 to v7 over the batch runs `slices`, with `wt` the weight as
 * conv2dWeightLayout rearranged it (`padded` channels), storing through `epilogue`. Also the gradient to the
 * input, given the flipped weight; then `map` (v5 alone, at most 8 output channels) also receives the
 * saliency map maxᵏ |y| per pixel, (n, oh, ow). Where `directSplits` says a run would leave a GPU idle, each
 * image is split over its input channels in the same dispatch: the kernel sums each block of channels into
 * partial sums, and conv2d_split_sum adds them up with the bias through the epilogue.
 */
export async function conv2dForwardDirect(
  gpu: Gpu,
  s: Conv2dShape,
  oh: number,
  ow: number,
  x: GpuTensor,
  wt: GpuTensor,
  padded: number,
  bias: GpuTensor,
  y: GpuTensor,
  slices: ReadonlyArray<readonly [number, number]>,
  version: DirectVariant,
  epilogue?: Epilogue,
  map?: GpuTensor,
): Promise<void> {
  const { shader, pixels, channels, workgroup, rows } = DIRECT[version];
  if (map && (version !== 5 || s.k > channels)) throw new RangeError(`conv2d: only variant 5 with at most ${channels} channels writes a saliency map, not variant ${version} with ${s.k}`);
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const groups = rows ? Math.ceil(oh / workgroup) * Math.ceil(ow / pixels) : Math.ceil((oh * Math.ceil(ow / pixels)) / workgroup);
  const wtw = gpu.window(wt, 0, s.c * 9 * padded);
  for (const [n0, n] of slices) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    const mw = epilogueWindow(gpu, epilogue, n0 * outImage, n * outImage);
    const splits = map ? 1 : directSplits(gpu, s, oh, ow, version, n);
    // Split, the kernel writes each block's partial sums (bias 0, no epilogue) and conv2d_split_sum adds them up.
    const partial = splits > 1 ? gpu.window(gpu.scratch('conv2d split partial sums', n * splits * outImage), 0, n * splits * outImage) : undefined;
    // Rows of whole vec4s, starting on a vec4, let the kernel load 4 pixels at once.
    const vectors = s.w % 4 === 0 && xw.base % 4 === 0;
    // v7's workgroup is its subgroup, 8 fixed in the shader.
    const constants = { VEC_X: vectors ? 1 : 0, EPILOGUE: partial ? 0 : epilogueCode(epilogue), ...(map ? { SALIENCY: 1 } : {}), ...(partial ? { SPLITS: splits } : {}) };
    const pipeline = await gpu.pipeline(shader, rows ? constants : { WG: workgroup, ...constants });
    // Without a mask to read, the mask binding takes the bias (read-only, never read).
    const bw = partial ? gpu.window(gpu.scratch('zeros', s.k)) : gpu.window(bias);
    const out = partial ?? yw;
    // v5 alone takes the saliency map; without one, a 1-element scratch fills its binding.
    const sw = version === 5 ? (map ? gpu.window(map, n0 * oh * ow, n * oh * ow) : gpu.window(gpu.scratch('no saliency map', 1))) : undefined;
    const params = new Uint32Array([n * splits, s.c / splits, s.h, s.w, s.k, oh, ow, padded, s.pad, xw.base, out.base, partial ? 0 : mw?.base ?? 0, sw?.base ?? 0]);
    const bindings = [xw.binding, xw.binding, wtw.binding, bw.binding, out.binding, (partial ? bw : mw ?? bw).binding];
    if (sw) bindings.push(sw.binding);
    gpu.dispatch(pipeline, params, bindings, [groups, Math.ceil(s.k / channels), n * splits]);
    if (partial) await conv2dSplitSum(gpu, { images: n, splits, k: s.k, plane: oh * ow }, partial, gpu.window(bias), yw, epilogue, mw);
  }
}

/**
 * The blocks of input channels conv2dForwardDirect splits each image of a run of `n` images of `s` into, 1
 * where it does not split: only v3 and v4 (the kernels of adapters without 8-lane subgroups), only on
 * adapters that ask for a GPU's fill (GPU_FILL_INVOCATIONS) and where the run dispatches fewer invocations
 * than that (VGG16's 14×14 and 28×28 layers at batch 1), and into whole blocks of 8 channels, as many as
 * fill it, that divide the channels evenly, and whose partial sums fit one binding.
 */
export function directSplits(gpu: Gpu, s: Conv2dShape, oh: number, ow: number, version: DirectVariant, n: number): number {
  const { pixels, channels } = DIRECT[version];
  const invocations = oh * Math.ceil(ow / pixels) * Math.ceil(s.k / channels) * n;
  if ((version !== 3 && version !== 4) || gpu.fillInvocations < GPU_FILL_INVOCATIONS || invocations >= gpu.fillInvocations || s.c % CHANNEL_BLOCK !== 0) return 1;
  const blocks = s.c / CHANNEL_BLOCK;
  const most = Math.min(blocks, Math.ceil(gpu.fillInvocations / invocations), Math.floor(gpu.maxWindowElements / (n * s.k * oh * ow)));
  let splits = 1;
  for (let d = 2; d <= most; d++) if (blocks % d === 0) splits = d;
  return splits;
}

/** Whether variant 9 takes the shape: a 1×1 kernel without padding (any stride). */
export function conv2dPointwiseShape(s: Conv2dShape): boolean {
  return s.size === 1 && conv2dPads(s).every((p) => p === 0);
}

/** Whether v9's weight layout, `outer` × `inner` channels with the inner padded to 32, fits one binding. */
export function pointwiseLayoutFits(gpu: Gpu, outer: number, inner: number): boolean {
  return outer * Math.ceil(inner / V9_CHANNELS) * V9_CHANNELS <= gpu.maxWindowElements;
}

/**
 * Runs conv2d_forward_v9 over the batch runs `slices`: out[k, grid point] = Σ_c wt[c, k]·x[c, its pixel] + bias[k],
 * x: (n, c, h, w), out: (n, k, oh, ow), `wt` (c, padded) as conv2dWeightLayout rearranged it with a block of 16.
 * The grid (gh × gw) reads x every `inStride` pixels and writes out every `outStride`: the forward pass
 * reads with the conv's stride, the gradient to the input writes with it (dx zeroed first by the caller).
 */
export async function conv2dPointwise(
  gpu: Gpu,
  s: { readonly n: number; readonly c: number; readonly h: number; readonly w: number; readonly k: number; readonly oh: number; readonly ow: number },
  x: GpuTensor,
  wt: GpuTensor,
  padded: number,
  bias: GpuTensor,
  out: GpuTensor,
  slices: ReadonlyArray<readonly [number, number]>,
  grid: { readonly gh: number; readonly gw: number; readonly inStride: number; readonly outStride: number },
  epilogue?: Epilogue,
): Promise<void> {
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * s.oh * s.ow;
  const dense = grid.inStride === 1 && grid.gw === s.w;
  const groups = Math.ceil((grid.gh * grid.gw) / V9_POINTS / V9_WORKGROUP);
  const wtw = gpu.window(wt, 0, s.c * padded);
  for (const [n0, n] of slices) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const outw = gpu.window(out, n0 * outImage, n * outImage);
    // Planes of whole vec4s, starting on a vec4, let 4 points come in one load.
    const vectors = dense && (s.h * s.w) % 4 === 0 && xw.base % 4 === 0;
    const pipeline = await gpu.pipeline(SHADER_V9, { VEC_X: vectors ? 1 : 0, EPILOGUE: epilogueCode(epilogue) });
    // Without a mask to read, the mask binding takes the bias (read-only, never read).
    const bw = gpu.window(bias);
    const mw = epilogueWindow(gpu, epilogue, n0 * outImage, n * outImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, s.k, s.oh, s.ow, padded, grid.gh, grid.gw, grid.inStride, grid.outStride, xw.base, outw.base, mw?.base ?? 0]);
    gpu.dispatch(pipeline, params, [xw.binding, xw.binding, wtw.binding, bw.binding, outw.binding, (mw ?? bw).binding], [groups, Math.ceil(s.k / V9_CHANNELS), n]);
  }
}
