import type { ImageDataset } from './image_dataset.ts';

/**
 * The mean of a dataset's images, pixel by pixel: (C, H, W) in [0, 1], summed in float64. For a network
 * normalised per channel it is what the paper's zero image was for one normalised per pixel, the image a
 * class model starts from and is pulled back to.
 * @throws RangeError for an empty dataset.
 */
export function meanImage(dataset: ImageDataset): Float32Array {
  if (dataset.length === 0) throw new RangeError(`${dataset.name}: no items to average`);
  const { channels, height, width } = dataset.input;
  const size = channels * height * width;
  const pixels = new Float32Array(size);
  const sum = new Float64Array(size);
  for (let i = 0; i < dataset.length; i++) {
    dataset.pixels(i, pixels);
    for (let j = 0; j < size; j++) sum[j] += pixels[j];
  }
  return Float32Array.from(sum, (total) => total / dataset.length);
}
