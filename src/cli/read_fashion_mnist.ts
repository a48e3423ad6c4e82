import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fashionMnistDataset, type ImageDataset } from '../data/mod.ts';
import { readIdx } from '../io/mod.ts';

/** Where Debian's package `dataset-fashion-mnist` puts the four gzip IDX files. */
export const FASHION_MNIST_FOLDER = '/usr/share/datasets/fashion-mnist';

const FILES = {
  train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
  test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
} as const;

/**
 * Reads a Fashion-MNIST split (train: 60,000 items, test: 10,000) from `folder`, gunzipping its IDX files.
 * @throws RangeError naming the missing file and the package that brings it; the errors of `readIdx` and
 *   `fashionMnistDataset` for a damaged file.
 */
export function readFashionMnist(split: 'train' | 'test', folder = FASHION_MNIST_FOLDER): ImageDataset {
  const [images, labels] = FILES[split].map((file) => {
    const path = join(folder, file);
    if (!existsSync(path)) {
      throw new RangeError(
        `Fashion-MNIST: ${path} is missing; install Debian's package dataset-fashion-mnist (npm run setup does, as root)`,
      );
    }
    try {
      return readIdx(gunzipSync(readFileSync(path)));
    } catch (error) {
      throw new Error(`Fashion-MNIST: cannot read ${path}: ${(error as Error).message}`);
    }
  });
  return fashionMnistDataset(images, labels, `fashion-mnist ${split}`);
}
