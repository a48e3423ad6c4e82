import type { ModelInfo } from '../graph/mod.ts';
import type { PixelImage } from './pixel_image.ts';

/**
 * How `inputToImage` brings values to [0, 255]: `clip` keeps the pixel scale (0 → 0, 1 → 255) and clips
 * what lies outside, right for a real image; `stretch` keeps the mean image as the background and scales
 * every pixel's difference from it by one factor, as large as keeps 99% of the values in range (the last
 * 1% clip, so that a few extreme pixels cannot dim the rest): right for a class model, whose scale is
 * arbitrary.
 */
export type DisplayRange = 'clip' | 'stretch';

/**
 * The inverse of `imageToInput`, for display: p = x · std[c] + mean[c] (for the class model, which starts
 * from the zero input, this is "the mean image added back"), then brought to 8 bits by `range`. An input
 * that is all zero has nothing to stretch and shows the mean image.
 * input: (C, H, W) float32 normalised  →  an image of C channels (1 or 3).
 * @example
 * const image = inputToImage(model.info, classModelInput, 'stretch');
 */
export function inputToImage(spec: ModelInfo, input: ArrayLike<number>, range: DisplayRange = 'clip'): PixelImage {
  const { channels, height, width } = spec.input;
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`inputToImage: the model has ${channels} input channels; only grey (1) and RGB (3) can be shown`);
  }
  const plane = height * width;
  if (input.length !== channels * plane) {
    throw new RangeError(`inputToImage: input has ${input.length} values but (${channels}, ${height}, ${width}) needs ${channels * plane}`);
  }
  // The stretch factor: for each value, the largest s with mean + s · deviation in [0, 1]; the factor is
  // the 1st percentile of those, so that 1% of values may clip rather than a few outliers dim the rest.
  let factor = Infinity;
  if (range === 'stretch') {
    const limits: number[] = [];
    for (let c = 0; c < channels; c++) {
      const mean = spec.normalize.mean[c];
      for (let p = 0; p < plane; p++) {
        const deviation = input[c * plane + p] * spec.normalize.std[c];
        if (deviation > 0) limits.push((1 - mean) / deviation);
        if (deviation < 0) limits.push(-mean / deviation);
      }
    }
    limits.sort((a, b) => a - b);
    if (limits.length > 0) factor = limits[Math.floor(0.01 * limits.length)];
  }
  const scale = range === 'stretch' && Number.isFinite(factor) ? factor : 1;
  const data = new Uint8Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    const mean = spec.normalize.mean[c];
    const std = spec.normalize.std[c];
    for (let p = 0; p < plane; p++) {
      const value = mean + scale * input[c * plane + p] * std;
      data[p * channels + c] = Math.round(255 * Math.min(1, Math.max(0, value)));
    }
  }
  return { width, height, channels, data };
}
