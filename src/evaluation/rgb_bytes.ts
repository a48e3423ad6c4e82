import type { PixelImage } from '../attribution/mod.ts';

/**
 * An image as GrabCut takes it: 8-bit RGB, (H, W, 3) interleaved; a grey image's value repeated to three
 * channels, an RGBA image's alpha dropped.
 * @throws RangeError when the data does not hold height × width × channels values.
 */
export function rgbBytes(image: PixelImage): Uint8Array {
  const { width, height, channels, data } = image;
  const n = width * height;
  if (data.length !== n * channels) {
    throw new RangeError(`rgbBytes: ${data.length} values do not make a ${height}×${width} image of ${channels} channels`);
  }
  const rgb = new Uint8Array(3 * n);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = data[p * channels + (channels === 1 ? 0 : c)];
  }
  return rgb;
}
