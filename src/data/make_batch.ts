import type { Random } from '../random/mod.ts';
import type { ImageDataset, Normalize } from './image_dataset.ts';

/** A batch ready for the network: input (n, C, H, W) normalised, labels (n). */
export interface Batch {
  readonly n: number;
  readonly input: Float32Array;
  readonly labels: Uint32Array;
  /** The dataset items it holds, in order. */
  readonly indices: readonly number[];
}

/**
 * Random changes that keep an item's class, drawn from `random` (the same draws whatever the pixels).
 * `flip` mirrors left to right with probability 1/2; `shift` moves the image by up to that many pixels
 * each way, filling with pixel value 0 (Fashion-MNIST's black background).
 */
export interface Augment {
  readonly random: Random;
  readonly flip?: boolean;
  readonly shift?: number;
}

/**
 * The items `indices` of `dataset` as one batch, each pixel p in [0, 1] of channel c normalised to
 * (p − mean[c]) / std[c] (a VggSpec's `normalize`), augmented when `augment` is given.
 *
 * @throws RangeError when `normalize` has other than one value per channel, or `indices` is empty.
 * @example
 * const { input, labels, n } = makeBatch(test, [0, 1, 2], spec.normalize);
 */
export function makeBatch(dataset: ImageDataset, indices: readonly number[], normalize: Normalize, augment?: Augment): Batch {
  const { channels, height, width } = dataset.input;
  for (const [name, values] of [['mean', normalize.mean], ['std', normalize.std]] as const) {
    if (values.length !== channels) {
      throw new RangeError(`makeBatch: normalize.${name} has ${values.length} values but ${dataset.name} has ${channels} channels`);
    }
  }
  const n = indices.length;
  if (n === 0) throw new RangeError('makeBatch: no items given');
  const size = channels * height * width;
  const plane = height * width;
  const input = new Float32Array(n * size);
  const labels = new Uint32Array(n);
  const pixels = new Float32Array(size);
  const most = augment?.shift ?? 0;
  indices.forEach((item, b) => {
    labels[b] = dataset.label(item);
    dataset.pixels(item, pixels);
    const flip = augment?.flip === true && augment.random.uniform() < 0.5;
    const dx = augment && most > 0 ? augment.random.int(2 * most + 1) - most : 0;
    const dy = augment && most > 0 ? augment.random.int(2 * most + 1) - most : 0;
    for (let c = 0; c < channels; c++) {
      const mean = normalize.mean[c];
      const scale = 1 / normalize.std[c];
      const base = b * size + c * plane;
      for (let y = 0; y < height; y++) {
        const sy = y - dy;
        for (let x = 0; x < width; x++) {
          // The output pixel (x, y) shows source pixel (sx, sy): shifted, then mirrored.
          const sx = flip ? width - 1 - (x - dx) : x - dx;
          const p = sy < 0 || sy >= height || sx < 0 || sx >= width ? 0 : pixels[c * plane + sy * width + sx];
          input[base + y * width + x] = (p - mean) * scale;
        }
      }
    }
  });
  return { n, input, labels, indices };
}
