import { CLUTTERED_SEED, type ClutteredDataset, clutteredDataset, type ImageDataset } from '../data/mod.ts';
import { FASHION_MNIST_FOLDER, readFashionMnist } from './read_fashion_mnist.ts';

/** The datasets the command line knows. */
export type DatasetName = 'fashion-mnist' | 'cluttered';
export const DATASET_NAMES: readonly DatasetName[] = ['fashion-mnist', 'cluttered'];

/** The `--dataset` option checked: a RangeError naming the known datasets when it is absent or unknown. */
export function datasetOption(command: string, text: string | undefined): DatasetName {
  if (text === undefined) throw new RangeError(`${command}: --dataset is required: ${DATASET_NAMES.join(' or ')}`);
  if (!(DATASET_NAMES as readonly string[]).includes(text)) {
    throw new RangeError(`${command}: unknown dataset "${text}"; known: ${DATASET_NAMES.join(', ')}`);
  }
  return text as DatasetName;
}

/**
 * A split of a dataset the command line knows: Fashion-MNIST read from `folder`, or the cluttered scenes
 * made from it (the train split with seed CLUTTERED_SEED, the test split from t10k with CLUTTERED_SEED + 1).
 */
export function readDataset(name: DatasetName, split: 'train' | 'test', folder = FASHION_MNIST_FOLDER): ImageDataset {
  const source = readFashionMnist(split, folder);
  switch (name) {
    case 'fashion-mnist':
      return source;
    case 'cluttered':
      return clutteredFrom(source, split);
  }
}

/** The cluttered scenes of a split, with their masks and boxes (see `readDataset`). */
export function readClutteredDataset(split: 'train' | 'test', folder = FASHION_MNIST_FOLDER): ClutteredDataset {
  return clutteredFrom(readFashionMnist(split, folder), split);
}

function clutteredFrom(source: ImageDataset, split: 'train' | 'test'): ClutteredDataset {
  return clutteredDataset(source, split === 'train' ? CLUTTERED_SEED : CLUTTERED_SEED + 1, `cluttered ${split}`);
}
