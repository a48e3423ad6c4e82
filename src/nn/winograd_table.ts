import type { WinogradTile } from './conv2d_winograd_weight.ts';

/** One row of WINOGRAD_TABLE: layers with at least these channels and this output size (or tiles) take `tile`. */
export interface WinogradRow {
  /** The smaller of the layer's input and output channel counts (as the kernel sees them). */
  readonly minChannels: number;
  /** The smaller of its output height and width. */
  readonly minSize: number;
  /** The larger of them at most, where the row gives one. */
  readonly maxSize?: number;
  /** F(4×4)'s output tiles over the whole batch, n·⌈oh/4⌉·⌈ow/4⌉, where the row asks for a count. */
  readonly minTiles?: number;
  readonly tile: WinogradTile;
}

/**
 * Where Winograd beat the direct 3×3 kernels, measured on lavapipe (8-lane subgroups, product kernel v2),
 * forward and gradient to the input alike. The first row that a layer meets decides; a layer that meets
 * none keeps the direct kernel. Times relative to the direct kernel's, transformed weight kept:
 * - F(6×6) from 128 channels at outputs of 56×56 to 112×112, against F(4×4), on an AVX-512 EPYC with
 *   product kernel v3 (bench/results/winograd-2026-12-04-lavapipe.json, load average 1.8–2.9, medians of 5
 *   interleaved rounds): 0.85 and 0.90 at conv2_2, 0.94–1.06 at conv3_x at batch 1, and 0.94 at 256→256
 *   on 56×56 at batch 8 (fastest of 5, a scratch script). It lost at 224×224 (conv1_2, 1.05–1.06) and at
 *   28×28 and below (1.27–1.89: too few tiles for the product kernel's lanes), and at 64 channels it won
 *   or lost by the run (conv2_1 0.81–1.04; the shipped vgg-cluttered's 64→64 at 64×64 1.08–1.10 at batches
 *   1 and 10): its 8×8 tiles' transforms cost more than their fewer loads save (64→64 on 224×224, input
 *   24 against 21 ms, output 27 against 20);
 * - F(4×4) wherever the batch gives it 40 or more output tiles, from 32 channels: at batch 10 on the
 *   shipped models' layers (bench/results/winograd-2026-12-03-lavapipe-batch10.json, a nearly idle
 *   machine) 0.43–0.83 at every layer from 64×64 down to 8×8 (40 tiles) and from 32 channels up, where
 *   F(2×2) took 0.80–1.54; at batch 1 VGG16's layers from 28×28 (49 tiles) up, as the next row;
 * - F(4×4) from 28×28 up with 64 or more channels, at VGG16's 3×3 layers at batch 1
 *   (bench/results/winograd-2026-12-03-lavapipe.json and -run1.json, on 2 CPU cores shared with other
 *   jobs, load average 9 to 21, medians of interleaved rounds): 0.53–0.98 at conv1_2, 0.32–0.77 from
 *   conv2_1 to conv4_3 (F(2×2) 0.57–1.48 there);
 * - F(2×2) at 14×14 to 27×27 where the batch gives F(4×4) fewer tiles: 0.29–0.53 at conv5_x at batch 1,
 *   where F(4×4) took 0.63–1.56 (16 tiles an image leave 6 of the product kernel's 8 lanes idle);
 * - direct below 32 channels: at conv1_1 (3 → 64, and 64 → 3 for the gradient to the input) Winograd
 *   took 2.1–6.9 times as long, its transforms outweighing the products they save.
 */
export const WINOGRAD_TABLE: readonly WinogradRow[] = [
  { minChannels: 128, minSize: 56, maxSize: 112, tile: 6 },
  { minChannels: 32, minSize: 1, minTiles: 40, tile: 4 },
  { minChannels: 64, minSize: 28, tile: 4 },
  { minChannels: 64, minSize: 14, tile: 2 },
];

/**
 * The tile WINOGRAD_TABLE gives a layer with c → k channels and an oh×ow output at batch n, or undefined
 * for the direct kernel.
 */
export function winogradTableTile(oh: number, ow: number, c: number, k: number, n = 1): WinogradTile | undefined {
  const channels = Math.min(c, k);
  const size = Math.min(oh, ow);
  const tiles = n * Math.ceil(oh / 4) * Math.ceil(ow / 4);
  return WINOGRAD_TABLE.find((row) =>
    channels >= row.minChannels && size >= row.minSize && Math.max(oh, ow) <= (row.maxSize ?? Infinity) && tiles >= (row.minTiles ?? 0)
  )?.tile;
}
