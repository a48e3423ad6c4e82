import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PixelImage } from '../src/attribution/mod.ts';
import { decodePng } from '../src/cli/mod.ts';
import { concat, describeTally, type FuzzTarget, fuzzParser, fuzzRuns, mutated } from './support/fuzz_parser.ts';

const RUNS = fuzzRuns(200);

/** PNGs as pngjs writes them: grey, RGB, grey+alpha or RGBA, 8 or 16 bits, 1 to 12 pixels a side. */
const validFiles = fc
  .record({ width: fc.integer({ min: 1, max: 12 }), height: fc.integer({ min: 1, max: 12 }), colorType: fc.constantFrom(0, 2, 4, 6), bitDepth: fc.constantFrom(8, 16), seed: fc.integer() })
  .map(({ width, height, colorType, bitDepth, seed }) => {
    const png = new PNG({ width, height });
    for (let i = 0; i < png.data.length; i++) png.data[i] = (Math.imul(seed, i + 1) >>> 7) & 0xff;
    return new Uint8Array(PNG.sync.write(png, { colorType: colorType as 0 | 2 | 4 | 6, bitDepth: bitDepth as 8 | 16 }));
  });

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array, declared = data.length): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, declared, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)), false);
  return out;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * PNGs whose chunks carry valid CRCs (so pngjs reads past them) but lie: a declared size far from the data,
 * a depth or colour type the format lacks, interlacing, image data that inflates to far more than the size
 * needs (a decompression bomb), or a chunk length past the end.
 */
const lyingFiles = fc
  .record({
    width: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(8192, 60000, 2 ** 31 - 1, 2 ** 32 - 1)),
    height: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(8192, 60000, 2 ** 31 - 1, 2 ** 32 - 1)),
    depth: fc.constantFrom(1, 2, 4, 8, 16, 0, 3, 255),
    colourType: fc.constantFrom(0, 2, 3, 4, 6, 1, 7),
    interlace: fc.constantFrom(0, 1, 2),
    inflated: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constantFrom(1 << 20, 8 << 20)),
    chunkLie: fc.option(fc.constantFrom(0xffffffff, 0x7fffffff, 1000)),
    palette: fc.boolean(),
  })
  .map(({ width, height, depth, colourType, interlace, inflated, chunkLie, palette }) => {
    const ihdr = new Uint8Array(13);
    const view = new DataView(ihdr.buffer);
    view.setUint32(0, width, false);
    view.setUint32(4, height, false);
    ihdr.set([depth, colourType, 0, 0, interlace], 8);
    const idat = deflateSync(new Uint8Array(inflated));
    return concat(
      SIGNATURE,
      chunk('IHDR', ihdr),
      ...(palette ? [chunk('PLTE', new Uint8Array(12))] : []),
      chunk('IDAT', idat, chunkLie ?? idat.length),
      chunk('IEND', new Uint8Array(0)),
    );
  });

const target: FuzzTarget<PixelImage> = {
  format: 'png',
  file: 'fuzz.png',
  parse: (bytes, name) => decodePng(bytes, name),
  valid: validFiles,
  hostile: [lyingFiles, mutated(lyingFiles)],
  // The image data is inflated once to check its length: up to 1032 bytes for each byte of the file
  // (deflate's largest ratio), which the file really holds, plus zlib's own working memory.
  maxAllocation: (bytes) => 4 * 1024 * 1024 + 2 * 1032 * bytes.length,
  checkLoaded(image, bytes) {
    assert.is(image.data.length, image.width * image.height * image.channels);
    // A PNG may compress well, so no bound on pixels from its length; the pixels are bounded by the limit.
    assert.ok(image.width * image.height <= 8192 * 8192, `${bytes.length}-byte file`);
  },
};

test(`png: valid files decode, and ${RUNS} cases each of mutated and hostile files decode or throw FormatError naming the file`, () => {
  const tally = fuzzParser(target, RUNS);
  if (process.env.DEEPINSIDE_FUZZ_REPORT) console.log(describeTally('png', tally));
  assert.ok(tally.refused > RUNS);
});

test('png: a decompression bomb (a 1 KB IDAT that inflates to 64 MB for a 4×4 image) is stopped at the bound', () => {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, 4, false);
  new DataView(ihdr.buffer).setUint32(4, 4, false);
  ihdr.set([8, 0, 0, 0, 1], 8); // grey, interlaced: pngjs would inflate it without bound
  const idat = deflateSync(new Uint8Array(64 << 20));
  const bytes = concat(SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0)));
  assert.ok(bytes.length < 100_000);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => decodePng(bytes, 'bomb.png'), /^bomb\.png: png: a corrupt PNG file \(its image data inflates to more than the 23 bytes 4×4 pixels need\)/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
});

test.run();
