import { PNG } from 'pngjs';
import type { PixelImage } from '../attribution/mod.ts';
import { FormatError } from '../io/mod.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The most pixels a PNG may declare before it is decoded: 8192 × 8192 (256 MiB as pngjs's RGBA). Models
 * take images of their own input size, far smaller; a file that declares more is refused from its IHDR
 * header alone, before pngjs allocates for a size the file merely claims.
 */
export const MAX_PNG_PIXELS = 8192 * 8192;

/**
 * A PNG file's pixels: grey (with or without alpha) as 1 channel, any colour type as 3 (RGB), alpha
 * dropped, 16-bit samples brought to 8 bits. `name` is how errors name the file. The size in the IHDR
 * chunk is checked against `maxPixels` (default MAX_PNG_PIXELS) before anything is decoded.
 * @throws FormatError "… is not a PNG file" (naming JPEG and GIF when it is one), "… declares W×H pixels",
 *   or "… is a corrupt PNG file".
 */
export function decodePng(bytes: Uint8Array, name: string, maxPixels = MAX_PNG_PIXELS): PixelImage {
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) {
    const kind = bytes[0] === 0xff && bytes[1] === 0xd8 ? ' (it is a JPEG)' : bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46 ? ' (it is a GIF)' : '';
    throw new FormatError('png', `not a PNG file${kind}; convert it, e.g. magick in.jpg out.png`, name);
  }
  const declared = declaredSize(bytes, name);
  if (declared.width * declared.height > maxPixels) {
    throw new FormatError(
      'png',
      `the file declares ${declared.width}×${declared.height} pixels (width×height), more than the ${maxPixels} ` +
        `this reader decodes; models take images of their input size`,
      name,
    );
  }
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new FormatError('png', `a corrupt PNG file (${error instanceof Error ? error.message : String(error)})`, name);
  }
  // pngjs hands back RGBA whatever the file held; the colour type says what the file held.
  const channels = png.color ? 3 : 1;
  const pixels = png.width * png.height;
  const data = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) for (let k = 0; k < channels; k++) data[p * channels + k] = png.data[4 * p + k];
  return { width: png.width, height: png.height, channels, data };
}

/** The width and height of the IHDR chunk, which the format requires first, right after the signature. */
function declaredSize(bytes: Uint8Array, name: string): { width: number; height: number } {
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (bytes.length < 24 || type !== 'IHDR') {
    throw new FormatError('png', 'a corrupt PNG file (no IHDR chunk after the signature)', name);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
}
