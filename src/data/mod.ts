/**
 * Datasets for training and evaluation: Fashion-MNIST from its IDX arrays, the cluttered coloured scenes
 * made from it (with each item's mask and box, for localisation), and shuffled, normalised batches.
 * Everything works on typed arrays; reading the files is left to the caller (`src/cli` in Node).
 * @module
 */
export {
  CLUTTERED_NORMALIZE,
  CLUTTERED_SEED,
  type ClutteredDataset,
  clutteredDataset,
  type ClutteredItem,
} from './cluttered_dataset.ts';
export { FASHION_MNIST_LABELS, FASHION_MNIST_NORMALIZE, fashionMnistDataset } from './fashion_mnist_dataset.ts';
export { checkItem, type ImageDataset, type Normalize } from './image_dataset.ts';
export { type Augment, type Batch, makeBatch } from './make_batch.ts';
export { meanImage } from './mean_image.ts';
export { type Box, CLUTTERED_SIZE, type ClutteredScene, type GreyImage, ITEM_SCALE, maskBox, renderCluttered } from './render_cluttered.ts';
export { shuffledBatches } from './shuffled_batches.ts';
export { takeItems } from './take_items.ts';
