import { checkItem, type ImageDataset } from './image_dataset.ts';

/**
 * The first `count` items of `dataset` (all of them when it has fewer), for quick runs; the
 * normalisation stays the whole dataset's.
 */
export function takeItems(dataset: ImageDataset, count: number): ImageDataset {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`${dataset.name}: cannot take ${count} items; give a positive whole number`);
  }
  if (count >= dataset.length) return dataset;
  const view: ImageDataset = {
    name: `${dataset.name} (first ${count})`,
    length: count,
    input: dataset.input,
    classes: dataset.classes,
    normalize: dataset.normalize,
    label(i) {
      checkItem(view, i);
      return dataset.label(i);
    },
    pixels(i, out, offset) {
      checkItem(view, i);
      dataset.pixels(i, out, offset);
    },
  };
  return view;
}
