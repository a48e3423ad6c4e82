import { existsSync } from 'node:fs';
import { FASHION_MNIST_FOLDER, readFashionMnist } from '../../src/cli/mod.ts';
import type { ImageDataset } from '../../src/data/mod.ts';

const loaded = new Map<string, ImageDataset>();

/**
 * A Fashion-MNIST split from Debian's package `dataset-fashion-mnist`, read once per run. `npm test`
 * installs the package first (.ci/setup.sh); without it, the test fails saying how to get it.
 */
export function fashionMnist(split: 'train' | 'test'): ImageDataset {
  if (!existsSync(FASHION_MNIST_FOLDER)) {
    throw new Error(
      `${FASHION_MNIST_FOLDER} is missing: run npm run setup (as root on Debian it installs dataset-fashion-mnist), ` +
        'or apt-get install dataset-fashion-mnist',
    );
  }
  let dataset = loaded.get(split);
  if (!dataset) {
    dataset = readFashionMnist(split);
    loaded.set(split, dataset);
  }
  return dataset;
}
