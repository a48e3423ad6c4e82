import { PNG } from 'pngjs';
import type { PixelImage } from '../attribution/mod.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG file's pixels: grey (with or without alpha) as 1 channel, any colour type as 3 (RGB), alpha
 * dropped, 16-bit samples brought to 8 bits. `name` is how errors name the file.
 * @throws RangeError "… is not a PNG file" (naming JPEG and GIF when it is one), or "… is a corrupt PNG file".
 */
export function decodePng(bytes: Uint8Array, name: string): PixelImage {
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) {
    const kind = bytes[0] === 0xff && bytes[1] === 0xd8 ? ' (it is a JPEG)' : bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46 ? ' (it is a GIF)' : '';
    throw new RangeError(`${name} is not a PNG file${kind}; convert it, e.g. magick in.jpg out.png`);
  }
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new RangeError(`${name} is a corrupt PNG file (${error instanceof Error ? error.message : String(error)})`);
  }
  // pngjs hands back RGBA whatever the file held; the colour type says what the file held.
  const channels = png.color ? 3 : 1;
  const pixels = png.width * png.height;
  const data = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) for (let k = 0; k < channels; k++) data[p * channels + k] = png.data[4 * p + k];
  return { width: png.width, height: png.height, channels, data };
}
