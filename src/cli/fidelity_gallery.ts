import { inputToImage, labelledGrid, type PixelImage } from '../attribution/mod.ts';
import { type FidelityProtocol, pixelRanks, riseBlur } from '../evaluation/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import { fidelityPerturb } from '../nn/mod.ts';

/** One method's row of the gallery: its map of the image and the deletion curve measured for it. */
export interface GalleryRow {
  readonly method: string;
  readonly map: Float32Array;
  readonly deletion: ArrayLike<number>;
}

/**
 * One image's deletion sequence under each method: a row per method, a tile per checkpoint (the image with
 * its k_i top-ranked pixels deleted, as the model saw it, built by the same kernel), labelled with k_i and
 * the score measured there. input: (C, H, W) normalised. → an RGB image.
 */
export async function fidelityGallery(model: Classifier, input: Float32Array, rows: readonly GalleryRow[], protocol: FidelityProtocol): Promise<PixelImage> {
  const { channels, height, width } = model.info.input;
  const gpu = model.gpu;
  const k = protocol.checkpoints.length;
  const tiles: PixelImage[] = [];
  const labels: string[] = [];
  const x = gpu.tensorFrom(input, 'gallery image');
  const ck = gpu.tensorFrom(Uint32Array.from(protocol.checkpoints), 'gallery checkpoints');
  const y = gpu.tensor(2 * k * input.length, 'gallery copies');
  const start = protocol.insertion === 'blur' ? gpu.tensorFrom(riseBlur(input, 1, channels, height, width), 'gallery start') : undefined;
  try {
    for (const row of rows) {
      const ranks = gpu.tensorFrom(pixelRanks(row.map), 'gallery ranks');
      await fidelityPerturb(gpu, { n: 1, c: channels, h: height, w: width, checkpoints: k }, x, ranks, ck, { deletion: protocol.deletion, insertion: start ?? (protocol.insertion as number) }, y);
      const copies = await gpu.read(y, 0, k * input.length);
      ranks.buffer.destroy();
      for (let i = 0; i < k; i++) {
        tiles.push(inputToImage(model.info, copies.subarray(i * input.length, (i + 1) * input.length)));
        labels.push(`${i === 0 ? `${row.method} ` : ''}${protocol.checkpoints[i]}: ${row.deletion[i].toFixed(protocol.score === 'prob' ? 2 : 1)}`);
      }
    }
  } finally {
    for (const t of [x, ck, y, start]) t?.buffer.destroy();
  }
  return labelledGrid(tiles, labels, { columns: k });
}
