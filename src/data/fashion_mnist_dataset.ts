import type { IdxArray } from '../io/mod.ts';
import { checkItem, type ImageDataset } from './image_dataset.ts';

/** Fashion-MNIST's ten classes, in label order. */
export const FASHION_MNIST_LABELS: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Mean and standard deviation of Fashion-MNIST's 60,000 training images, pixels in [0, 1]. */
export const FASHION_MNIST_NORMALIZE = { mean: [0.286], std: [0.353] } as const;

const SIDE = 28;

/**
 * Fashion-MNIST (or any MNIST-format set of 28×28 grey images with ten labels) from its two IDX arrays:
 * images [n, 28, 28] and labels [n]. Items are 1×28×28, pixels byte / 255; the bytes are used in place.
 *
 * @throws RangeError when the shapes are not [n, 28, 28] and [n] for one n, or a label is above 9.
 * @example
 * const test = fashionMnistDataset(readIdx(gunzip(images)), readIdx(gunzip(labels)), 'fashion-mnist test');
 */
export function fashionMnistDataset(images: IdxArray, labels: IdxArray, name = 'fashion-mnist'): ImageDataset {
  const [n, h, w] = images.shape;
  if (images.shape.length !== 3 || h !== SIDE || w !== SIDE) {
    throw new RangeError(`${name}: images have shape [${images.shape.join(', ')}]; Fashion-MNIST's are [n, 28, 28]`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new RangeError(`${name}: labels have shape [${labels.shape.join(', ')}] but there are ${n} images`);
  }
  const bad = labels.data.findIndex((label) => label >= FASHION_MNIST_LABELS.length);
  if (bad >= 0) throw new RangeError(`${name}: label ${labels.data[bad]} of item ${bad} is outside [0, 10)`);
  const size = SIDE * SIDE;
  const dataset: ImageDataset = {
    name,
    length: n,
    input: { channels: 1, height: SIDE, width: SIDE },
    classes: FASHION_MNIST_LABELS,
    normalize: FASHION_MNIST_NORMALIZE,
    label(i) {
      checkItem(dataset, i);
      return labels.data[i];
    },
    pixels(i, out, offset = 0) {
      checkItem(dataset, i);
      const bytes = images.data.subarray(i * size, (i + 1) * size);
      for (let p = 0; p < size; p++) out[offset + p] = bytes[p] / 255;
    },
  };
  return dataset;
}
