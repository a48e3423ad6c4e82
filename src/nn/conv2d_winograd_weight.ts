import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/conv2d_winograd_weight.wgsl';
import { ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'conv2d_winograd_weight', code };

/** The output tile sizes M of the Winograd convolutions F(M×M, 3×3): 2, 4 or 6 (4×4, 6×6 or 8×8 points). */
export type WinogradTile = 2 | 4 | 6;

/** The conv2d variants that run Winograd (forward and gradient to the input alike), by tile. */
export const WINOGRAD_VARIANTS = { 2: 10, 4: 11, 6: 12 } as const;

/** The tile each of those variants runs. */
export const WINOGRAD_VARIANT_TILES = { 10: 2, 11: 4, 12: 6 } as const;

/**
 * Output channels are padded to a multiple of this in the transformed weight: the product kernels
 * compute 16 (version 1) or 32 (version 2) channels at a time.
 */
export const WINOGRAD_CHANNEL_BLOCK = 32;

/** A 3×3 weight transformed for F(tile×tile, 3×3): u (A·A, inputs, padded), A = tile + 2. */
export interface WinogradWeight {
  readonly u: GpuTensor;
  readonly tile: WinogradTile;
  /** The convolution's input and output channels (swapped from the weight's with `flip`). */
  readonly inputs: number;
  readonly outputs: number;
  /** `outputs` rounded up to WINOGRAD_CHANNEL_BLOCK. */
  readonly padded: number;
}

/** Elements of the transformed weight of a k×c 3×3 weight (either direction). */
export function winogradWeightLength(k: number, c: number, tile: WinogradTile, flip: boolean): number {
  const outputs = flip ? c : k;
  const inputs = flip ? k : c;
  return (tile + 2) ** 2 * inputs * Math.ceil(outputs / WINOGRAD_CHANNEL_BLOCK) * WINOGRAD_CHANNEL_BLOCK;
}

/**
 * U = G g Gᵀ for each 3×3 kernel g of weight (k, c, 3, 3), for F(tile×tile, 3×3): the forward
 * convolution's (inputs c, outputs k), or with `flip` the transposed convolution's that gives the
 * gradient to the input (inputs k, outputs c, each kernel turned 180°). Written into `into` (at least
 * `winogradWeightLength` elements; a model keeps one per layer so the transform runs once), or else into
 * a scratch tensor that the next call reuses.
 */
export async function conv2dWinogradWeight(
  gpu: Gpu,
  weight: GpuTensor,
  k: number,
  c: number,
  tile: WinogradTile,
  flip: boolean,
  into?: GpuTensor,
): Promise<WinogradWeight> {
  const outputs = flip ? c : k;
  const inputs = flip ? k : c;
  const padded = Math.ceil(outputs / WINOGRAD_CHANNEL_BLOCK) * WINOGRAD_CHANNEL_BLOCK;
  const count = winogradWeightLength(k, c, tile, flip);
  if (into && into.length < count) throw new RangeError(`conv2d_winograd_weight: ${into.label} holds ${into.length} elements, not the ${count} needed`);
  const u = into ?? gpu.scratch('conv2d winograd weight', count);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP, M: tile, FLIP: flip ? 1 : 0 });
  gpu.dispatch(pipeline, new Uint32Array([k, c, padded]), [gpu.window(weight, 0, k * c * 9).binding, gpu.window(u, 0, count).binding],
    gpu.grid(Math.ceil((inputs * padded) / ELEMENTWISE_WORKGROUP)));
  return { u, tile, inputs, outputs, padded };
}
