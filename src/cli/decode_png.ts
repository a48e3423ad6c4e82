import { inflateSync } from 'node:zlib';
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
 * chunk is checked against `maxPixels` (default MAX_PNG_PIXELS) before anything is decoded, and the
 * image data is inflated once, bounded, to check that it holds the bytes that size needs, neither fewer
 * nor more: pngjs allocates for the declared size before it looks at the data, and inflates interlaced
 * data without bound.
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
  checkImageData(bytes, name, declared);
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

/** The IHDR chunk's fields, which the format requires first, right after the signature. */
function declaredSize(bytes: Uint8Array, name: string): Header {
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (bytes.length < 24 || type !== 'IHDR') {
    throw new FormatError('png', 'a corrupt PNG file (no IHDR chunk after the signature)', name);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    width: view.getUint32(16, false),
    height: view.getUint32(20, false),
    depth: bytes[24] ?? 0,
    colourType: bytes[25] ?? 0,
    interlaced: bytes[28] === 1,
  };
}

interface Header {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colourType: number;
  readonly interlaced: boolean;
}

/** Samples a pixel for each colour type the format defines (grey, RGB, palette, grey+alpha, RGBA). */
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7's passes: first column and row, column and row steps. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/**
 * Walks the chunks, checking that each lies inside the file, and inflates the IDAT chunks with their
 * output bounded by what the header's size needs (filter bytes included): a file whose data is short is
 * refused before pngjs allocates for its declared size, and one whose data inflates past it (a
 * decompression bomb) is stopped at that bound. A colour type or depth the format does not define is
 * left to pngjs to name.
 */
function checkImageData(bytes: Uint8Array, name: string, header: Header): void {
  const samples = SAMPLES[header.colourType];
  if (samples === undefined || ![1, 2, 4, 8, 16].includes(header.depth)) return;
  const bits = samples * header.depth;
  const rowBytes = (width: number) => Math.ceil((width * bits) / 8) + 1;
  let needed = 0;
  if (header.interlaced) {
    for (const [x0, y0, dx, dy] of ADAM7) {
      const w = Math.ceil((header.width - x0) / dx);
      const h = Math.ceil((header.height - y0) / dy);
      if (w > 0 && h > 0) needed += h * rowBytes(w);
    }
  } else {
    needed = header.height * rowBytes(header.width);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = 8;
  for (;;) {
    if (at + 8 > bytes.length) throw new FormatError('png', `a corrupt PNG file (truncated at byte ${at}, before IEND)`, name);
    const length = view.getUint32(at, false);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) {
      throw new FormatError('png', `a corrupt PNG file (chunk ${JSON.stringify(type)} at byte ${at} declares ${length} bytes, past the end of the ${bytes.length}-byte file)`, name);
    }
    if (type === 'IDAT') parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  let inflated: number;
  try {
    inflated = inflateSync(Buffer.concat(parts), { maxOutputLength: Math.max(needed, 1) }).length;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ERR_BUFFER_TOO_LARGE' ? `its image data inflates to more than the ${needed} bytes ${header.width}×${header.height} pixels need` : `its image data does not inflate (${(error as Error).message})`;
    throw new FormatError('png', `a corrupt PNG file (${problem})`, name);
  }
  if (inflated < needed) {
    throw new FormatError('png', `a corrupt PNG file (its image data inflates to ${inflated} bytes but ${header.width}×${header.height} pixels need ${needed}: truncated)`, name);
  }
}
