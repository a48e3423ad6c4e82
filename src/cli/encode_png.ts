import { PNG, type ColorType } from 'pngjs';
import type { PixelImage } from '../attribution/mod.ts';

const COLOR_TYPES: Readonly<Record<PixelImage['channels'], ColorType>> = { 1: 0, 3: 2, 4: 6 };

/** A PNG file of an 8-bit image: grey, RGB or RGBA as the image has 1, 3 or 4 channels. */
export function encodePng(image: PixelImage): Uint8Array {
  const colorType = COLOR_TYPES[image.channels];
  const options = { colorType, inputColorType: colorType, inputHasAlpha: image.channels === 4, bitDepth: 8 as const };
  const png = new PNG({ width: image.width, height: image.height, ...options });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, options);
}
