import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { type Conv2dShape, conv2dPads, conv2dPlain } from '../shapes/mod.ts';
import code from '../../shaders/conv2d_backward_saliency.wgsl';
import { checkTensor } from './check_tensor.ts';
import { conv2dBackwardInputVariant } from './conv2d_backward_input.ts';
import { checkConv2d } from './conv2d_check.ts';
import { conv2dForwardDirect, DIRECT_WORKGROUP } from './conv2d_forward.ts';
import { CHANNEL_BLOCK } from './conv2d_weight_layout.ts';
import { type ConvWeightCache, weightLayout } from './conv_weight_cache.ts';
import { itemSlices } from './slices.ts';

const SHADER = { name: 'conv2d_backward_saliency', code };

/**
 * The variants: 1 is conv2d_backward_saliency.wgsl, the general gather of conv2d_backward_input_v8 with an
 * image's channels (at most 4) as one vec4, for any square kernel, stride and padding; 2 is
 * conv2d_forward_v5 run as the transposed convolution (as conv2d_backward_input's variant 5) with its
 * SALIENCY store, for 3×3 stride-1 layers with the same padding on every side and at most 8 channels,
 * on adapters with 8-lane subgroups.
 */
export const CONV2D_BACKWARD_SALIENCY_VARIANTS = [1, 2] as const;
export type Conv2dBackwardSaliencyVariant = (typeof CONV2D_BACKWARD_SALIENCY_VARIANTS)[number];

/** The most input channels variant 1 takes: an image's, held as one vec4. */
export const SALIENCY_CHANNELS = 4;
// Variant 1's invocation: 8 pixels of one row and phase modulo the stride.
const PIXELS = 8;

/**
 * The gradient to the input of a network's first conv and the saliency map of Simonyan et al. 2014
 * (section 3.1) in one pass: dx = ∂L/∂x from dy = ∂L/∂y, as conv2dBackwardInput computes it, and
 * map[n, i, j] = maxᶜ |dx[n, c, i, j]|, as saliencyMap reduces it, without a second pass over dx.
 * dy: (n, k, oh, ow)  weight: (k, c, size, size)  dx: (n, c, h, w)  map: (n, h, w), both written. The
 * default variant is `conv2dBackwardSaliencyVariant`'s, else 1. With `kept`, the flipped weight as the
 * kernels read it is taken from it (laid out once) instead of laid out on every call.
 *
 * @throws RangeError for a shape the variant does not take or tensors of the wrong size.
 */
export async function conv2dBackwardSaliency(
  gpu: Gpu,
  s: Conv2dShape,
  dy: GpuTensor,
  weight: GpuTensor,
  dx: GpuTensor,
  map: GpuTensor,
  variant: Conv2dBackwardSaliencyVariant = conv2dBackwardSaliencyVariant(gpu, s) ?? 1,
  kept?: ConvWeightCache,
): Promise<void> {
  const [oh, ow] = checkConv2d('conv2d_backward_saliency', s, { dy, weight, dx });
  const pixels = s.h * s.w;
  checkTensor('conv2d_backward_saliency', 'map', map, s.n * pixels, [s.n, s.h, s.w]);
  const inImage = s.c * pixels;
  const outImage = s.k * oh * ow;
  const slices = itemSlices(gpu, 'conv2d_backward_saliency', s.n, { dx: inImage, dy: outImage, map: pixels });
  if (variant === 2) {
    const plain = conv2dPlain(s);
    if (s.size !== 3 || !plain || s.c > CHANNEL_BLOCK || gpu.subgroupSize !== 8) {
      throw new RangeError(`conv2d_backward_saliency: variant 2 takes 3×3 stride-1 layers with equal padding and at most ${CHANNEL_BLOCK} input channels on 8-lane subgroups, not ${s.size}×${s.size} stride ${s.stride ?? 1} with ${s.c} channels`);
    }
    const { wt, padded } = await weightLayout(gpu, kept, weight, s.k, s.c, 3, true);
    const transposed = { n: s.n, c: s.k, h: oh, w: ow, k: s.c, size: 3, pad: 2 - plain.pad };
    await conv2dForwardDirect(gpu, transposed, s.h, s.w, dy, wt, padded, gpu.scratch('zeros', s.c), dx, slices, 5, undefined, map);
    return;
  }
  if (variant !== 1) throw new RangeError(`conv2d_backward_saliency: no variant ${variant}; known: ${CONV2D_BACKWARD_SALIENCY_VARIANTS.join(', ')}`);
  if (s.c > SALIENCY_CHANNELS) {
    throw new RangeError(`conv2d_backward_saliency: ${s.c} input channels; variant 1 takes at most ${SALIENCY_CHANNELS} (an image's)`);
  }
  const { wt } = await weightLayout(gpu, kept, weight, s.k, s.c, s.size, true, SALIENCY_CHANNELS);
  const wtw = gpu.window(wt, 0, s.k * s.size * s.size * SALIENCY_CHANNELS);
  const [top, left] = conv2dPads(s);
  const stride = s.stride ?? 1;
  const items = s.h * stride * Math.ceil(Math.ceil(s.w / stride) / PIXELS);
  const [gx, gy] = gpu.grid(Math.ceil(items / DIRECT_WORKGROUP));
  const pipeline = await gpu.pipeline(SHADER, { WG: DIRECT_WORKGROUP });
  for (const [n0, n] of slices) {
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    const dxw = gpu.window(dx, n0 * inImage, n * inImage);
    const mw = gpu.window(map, n0 * pixels, n * pixels);
    const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.size, stride, top, left, dyw.base, dxw.base, mw.base]);
    gpu.dispatch(pipeline, params, [dyw.binding, wtw.binding, dxw.binding, mw.binding], [gx, gy, n]);
  }
}

/**
 * The variant that measured faster on lavapipe than conv2dBackwardInput's default followed by saliencyMap,
 * or undefined where neither was (the graph then runs the two), from
 * bench/results/saliency-fusion-2026-12-03-lavapipe.json (bench/saliency_fusion.ts): 2 where that default
 * is variant 5, which 2 is with the map stored as well (0.84–1.02 of v5 alone's time: the map pass is saved);
 * 1 where the default is the general gather v8 (a ResNet's 7×7 stride-2 stem at 224×224: 59 ms against 96).
 * At 3×3 stride-1 layers variant 1 took 1.35–1.61 times as long as v5 with the map; elsewhere nothing was
 * measured.
 */
export function conv2dBackwardSaliencyVariant(gpu: Gpu, s: Conv2dShape): Conv2dBackwardSaliencyVariant | undefined {
  const unfused = conv2dBackwardInputVariant(gpu, s, false);
  if (unfused === 5 && s.c <= CHANNEL_BLOCK) return 2;
  if (unfused === 8 && s.c <= SALIENCY_CHANNELS) return 1;
  return undefined;
}
