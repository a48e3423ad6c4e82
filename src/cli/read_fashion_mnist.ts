import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fashionMnistDataset, type ImageDataset } from '../data/mod.ts';
import { FormatError, readIdx } from '../io/mod.ts';

/** Where Debian's package `dataset-fashion-mnist` puts the four gzip IDX files. */
export const FASHION_MNIST_FOLDER = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's largest file unpacks to 47 MB; a file that inflates past this is not one (or a gzip bomb). */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

const FILES = {
  train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
  test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
} as const;

/**
 * Reads a Fashion-MNIST split (train: 60,000 items, test: 10,000) from `folder`, gunzipping its IDX files.
 * @throws RangeError naming the missing file and the package that brings it; FormatError naming a file that
 *   does not gunzip or parse (`readIdx`), or files that do not make a dataset (`fashionMnistDataset`).
 */
export function readFashionMnist(split: 'train' | 'test', folder = FASHION_MNIST_FOLDER): ImageDataset {
  const [images, labels] = FILES[split].map((file) => {
    const path = join(folder, file);
    if (!existsSync(path)) {
      throw new RangeError(
        `Fashion-MNIST: ${path} is missing; install Debian's package dataset-fashion-mnist (npm run setup does, as root)`,
      );
    }
    const packed = readFileSync(path);
    let bytes: Uint8Array;
    try {
      bytes = gunzipSync(packed, { maxOutputLength: MAX_UNPACKED_BYTES });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ERR_BUFFER_TOO_LARGE' ? `it inflates to more than ${MAX_UNPACKED_BYTES} bytes` : (error as Error).message;
      throw new FormatError('gzip', `cannot decompress it (${why})`, path);
    }
    return readIdx(bytes, path);
  });
  try {
    return fashionMnistDataset(images, labels, `fashion-mnist ${split}`);
  } catch (error) {
    // The two files disagree (counts, image size, a label above 9): the labels file names the pair.
    throw new FormatError('fashion-mnist', (error as Error).message, join(folder, FILES[split][1]));
  }
}
