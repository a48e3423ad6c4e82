import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { conv2dPads, conv2dPlain, type Conv2dShape } from '../shapes/mod.ts';
import input from '../../shaders/conv2d_winograd_input.wgsl';
import inputV2 from '../../shaders/conv2d_winograd_input_v2.wgsl';
import output from '../../shaders/conv2d_winograd_output.wgsl';
import outputV2 from '../../shaders/conv2d_winograd_output_v2.wgsl';
import product1 from '../../shaders/conv2d_winograd_product_v1.wgsl';
import product2 from '../../shaders/conv2d_winograd_product_v2.wgsl';
import product3 from '../../shaders/conv2d_winograd_product_v3.wgsl';
import { checkConv2d } from './conv2d_check.ts';
import { checkSubgroups } from './check_subgroups.ts';
import { countRuns, itemSlices } from './slices.ts';
import { checkEpilogue, type Epilogue, epilogueCode, epilogueWindow } from './epilogue.ts';
import type { WinogradTile, WinogradWeight } from './conv2d_winograd_weight.ts';

const INPUT = { name: 'conv2d_winograd_input', code: input };
const OUTPUT = { name: 'conv2d_winograd_output', code: output };
const INPUT_V2 = { name: 'conv2d_winograd_input_v2', code: inputV2 };
const OUTPUT_V2 = { name: 'conv2d_winograd_output_v2', code: outputV2 };
const PRODUCT_WORKGROUP = 32;
/**
 * The product kernels, with the channels and tiles a workgroup covers: 1 computes 16 channels × 8 tiles
 * an invocation, in workgroups of PRODUCT_WORKGROUP; 2 computes 32 channels × 8 tiles a lane of one
 * 8-lane subgroup, sharing the weight's loads through it; 3 the same for 64 channels a lane (padded
 * channel counts that are multiples of 64).
 */
const PRODUCT = {
  1: { shader: { name: 'conv2d_winograd_product_v1', code: product1 }, channels: 16, tiles: 8 * PRODUCT_WORKGROUP },
  2: { shader: { name: 'conv2d_winograd_product_v2', code: product2 }, channels: 32, tiles: 8 * 8 },
  3: { shader: { name: 'conv2d_winograd_product_v3', code: product3 }, channels: 64, tiles: 8 * 8 },
} as const;
export type WinogradProduct = keyof typeof PRODUCT;
export const WINOGRAD_PRODUCTS = [1, 2, 3] as const;

// The transforms' workgroups: 8 tile columns (one 8-lane subgroup) × this many tile rows, on a grid of
// (tile columns, tile rows, planes).
const TRANSFORM_ROWS = 4;

// Tile counts are padded to a multiple of this: the product kernels load 8 tiles as two vec4s.
const TILE_BLOCK = 8;

/**
 * The product kernel this adapter runs by default for `padded` output channels (a WinogradWeight's):
 * where subgroups have 8 lanes, version 3 for multiples of 64 (VGG16's map 1–3% faster than with 2 on
 * lavapipe) and 2 for the others; elsewhere 1.
 */
export function winogradProduct(gpu: Gpu, padded: number): WinogradProduct {
  if (gpu.subgroupSize !== 8) return 1;
  return padded % PRODUCT[3].channels === 0 ? 3 : 2;
}

/**
 * Whether conv2dWinograd transforms `s` four neighbouring tiles an invocation in vec4s (the transforms'
 * version 2): F(4×4) with padding 1 and a width that is a multiple of 16, so that every tile row splits
 * into whole quads. At 64 channels on 224×224 (an AVX-512 EPYC, fastest of 9 alternating rounds) the
 * input transform took 14.9 ms against version 1's 19.8, the output transform 22.6 against 32.4 under
 * the gradient rule's mask and 18.1 against 20.6 under a ReLU, with the same values bit for bit.
 */
export function winogradQuadTransforms(s: Conv2dShape, tile: WinogradTile): boolean {
  return tile === 4 && s.pad === 1 && s.w % 16 === 0;
}

/**
 * Images of `s` per run of the Winograd convolution such that its work tensors (the transformed input,
 * A·A × c × tiles, and the products, A·A × padded × tiles) and x and y each fit one binding; 0 where not
 * even one image fits.
 */
export function winogradImagesPerRun(gpu: Gpu, s: Conv2dShape, tile: WinogradTile, padded: number): number {
  const a2 = (tile + 2) ** 2;
  const tiles = Math.ceil(s.h / tile) * Math.ceil(s.w / tile);
  const limit = gpu.maxWindowElements;
  const widest = a2 * Math.max(s.c, padded);
  const byWork = Math.floor((Math.floor(limit / widest) - (TILE_BLOCK - 1)) / tiles);
  const byImages = Math.floor(limit / (Math.max(s.c, s.k) * s.h * s.w));
  return Math.max(0, Math.min(byWork, byImages, s.n));
}

/**
 * y = conv(x, g) + bias for a 3×3, stride-1 convolution with `s.pad` zeros on every side (the output
 * is h×w when pad = 1), by Winograd's F(M×M, 3×3) with M = u.tile: each M×M output tile is
 * Aᵀ [Σ_c U[k, c] ⊙ (Bᵀ d_c B)] A, with U = G g Gᵀ from conv2dWinogradWeight. Three kernels a run of
 * images: the input transform, the A·A batched products (the FLOPs: (M + 2)² multiplications per tile,
 * channel pair against the direct convolution's 9·M², 1/2.25 of them for M = 2, 1/4 for M = 4 and 1/5.1
 * for M = 6) and the output transform, both four tiles an invocation where winogradQuadTransforms says
 * so. x: (n, c, h, w)  y: (n, k, oh, ow)  bias: (k), zeros for none. The output transform stores through
 * `epilogue` (a fused ReLU, see Epilogue).
 */
export async function conv2dWinograd(
  gpu: Gpu,
  s: Conv2dShape,
  x: GpuTensor,
  u: WinogradWeight,
  bias: GpuTensor,
  y: GpuTensor,
  product: WinogradProduct = winogradProduct(gpu, u.padded),
  epilogue?: Epilogue,
): Promise<void> {
  checkConv2d('conv2d_winograd', s, { x, y });
  checkEpilogue('conv2d_winograd', epilogue, y.length);
  // The gradient to the input passes a shared tensor of zeros, which may be longer than k.
  if (bias.length < s.k) throw new RangeError(`conv2d_winograd: ${bias.label} has ${bias.length} elements but the bias needs ${s.k}`);
  if (s.size !== 3 || !conv2dPlain(s)) throw new RangeError(`conv2d_winograd: takes 3×3 kernels with stride 1 and the same padding on every side, not ${s.size}×${s.size}, stride ${s.stride ?? 1}, pads (${conv2dPads(s).join(', ')})`);
  if (u.inputs !== s.c || u.outputs !== s.k) throw new RangeError(`conv2d_winograd: the weight was transformed for ${u.inputs}→${u.outputs} channels, not ${s.c}→${s.k}`);
  if (product !== 1) checkSubgroups('conv2d_winograd', gpu, product);
  if (u.padded % PRODUCT[product].channels !== 0) {
    throw new RangeError(`conv2d_winograd: product kernel ${product} takes output channels padded to a multiple of ${PRODUCT[product].channels}, not ${u.padded}`);
  }
  const tile = u.tile;
  const a2 = (tile + 2) ** 2;
  const oh = s.h + 2 * s.pad - 2;
  const ow = s.w + 2 * s.pad - 2;
  const th = Math.ceil(oh / tile);
  const tw = Math.ceil(ow / tile);
  const step = winogradImagesPerRun(gpu, { ...s, h: Math.max(s.h, oh), w: Math.max(s.w, ow) }, tile, u.padded);
  if (step < 1) {
    // Say which tensor does not fit, as every kernel does.
    itemSlices(gpu, 'conv2d_winograd', 1, { x: s.c * s.h * s.w, y: s.k * oh * ow, transformed: a2 * Math.max(s.c, u.padded) * (th * tw + TILE_BLOCK - 1) });
    throw new RangeError('conv2d_winograd: one image does not fit one binding');
  }
  const { shader, channels, tiles: tilesPerGroup } = PRODUCT[product];
  const quads = winogradQuadTransforms(s, tile);
  const [inputPipeline, productPipeline, outputPipeline] = await Promise.all([
    quads ? gpu.pipeline(INPUT_V2, { ROWS: TRANSFORM_ROWS }) : gpu.pipeline(INPUT, { ROWS: TRANSFORM_ROWS, M: tile }),
    gpu.pipeline(shader, product === 1 ? { WG: PRODUCT_WORKGROUP } : {}),
    quads
      ? gpu.pipeline(OUTPUT_V2, { ROWS: TRANSFORM_ROWS, EPILOGUE: epilogueCode(epilogue) })
      : gpu.pipeline(OUTPUT, { ROWS: TRANSFORM_ROWS, M: tile, EPILOGUE: epilogueCode(epilogue) }),
  ]);
  // The transforms' workgroups take 8 tile columns, or 8 quads of them.
  const columns = Math.ceil(tw / (quads ? 32 : 8));
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const most = gpu.limits.workgroupsPerDimension;
  if (th > most * TRANSFORM_ROWS || tw > most * 8) throw new RangeError(`conv2d_winograd: ${th}×${tw} tiles an image exceed ${most} workgroups a dimension`);
  const uw = gpu.window(u.u, 0, a2 * s.c * u.padded);
  for (let n0 = 0; n0 < s.n; n0 += step) {
    const n = Math.min(step, s.n - n0);
    const t = n * th * tw;
    const tp = Math.ceil(t / TILE_BLOCK) * TILE_BLOCK;
    const v = gpu.scratch('conv2d winograd input', a2 * s.c * tp);
    const m = gpu.scratch('conv2d winograd products', a2 * u.padded * tp);
    const vw = gpu.window(v, 0, a2 * s.c * tp);
    const mw = gpu.window(m, 0, a2 * u.padded * tp);
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    for (const [plane0, planes] of countRuns(n * s.c, most)) {
      gpu.dispatch(inputPipeline, new Uint32Array([s.c, s.h, s.w, s.pad, th, tw, t, tp, xw.base, plane0]), [xw.binding, vw.binding],
        [columns, Math.ceil(th / TRANSFORM_ROWS), planes]);
    }
    gpu.dispatch(productPipeline, new Uint32Array([s.c, u.padded, tp]), [uw.binding, vw.binding, mw.binding],
      [Math.ceil(tp / tilesPerGroup), u.padded / channels, a2]);
    // Without a mask to read, the mask binding takes the bias (read-only, never read).
    const bw = gpu.window(bias, 0, s.k);
    const rw = epilogueWindow(gpu, epilogue, n0 * outImage, n * outImage);
    for (const [plane0, planes] of countRuns(n * s.k, most)) {
      gpu.dispatch(outputPipeline, new Uint32Array([s.k, u.padded, oh, ow, th, tw, t, tp, yw.base, rw?.base ?? 0, plane0]),
        [mw.binding, bw.binding, yw.binding, (rw ?? bw).binding], [columns, Math.ceil(th / TRANSFORM_ROWS), planes]);
    }
  }
}
