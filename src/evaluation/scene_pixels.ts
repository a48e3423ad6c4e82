import type { PixelImage } from '../attribution/mod.ts';

/**
 * A scene held as network pixels, (C, H, W) float in [0, 1], as an 8-bit image (H, W, C interleaved):
 * each value clamped to [0, 1], times 255, rounded. What GrabCut sees of a rendered scene, and what a PNG
 * of it holds.
 */
export function scenePixels(image: Float32Array, channels: 1 | 3, height: number, width: number): PixelImage {
  const plane = height * width;
  if (image.length !== channels * plane) throw new RangeError(`scenePixels: ${image.length} values are not ${channels}×${height}×${width}`);
  const data = new Uint8Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) data[p * channels + c] = Math.round(255 * Math.min(1, Math.max(0, image[c * plane + p])));
  }
  return { width, height, channels, data };
}
