import { deflateSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePng, encodePng, MAX_PNG_PIXELS } from '../src/cli/mod.ts';
import { FormatError } from '../src/io/mod.ts';
import { testRandom } from './support/seed.ts';
import { randomImage } from './support/test_models.ts';

const random = testRandom('decode_png');

/** A PNG whose IHDR declares `width`×`height` 8-bit RGB pixels, with `rows` rows of zeros as its only data. */
function declaredPng(width: number, height: number, rows = 1): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const scanlines = new Uint8Array(rows * (1 + 3 * Math.min(width, 1024)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(scanlines)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function formatError(run: () => unknown): FormatError {
  try {
    run();
  } catch (error) {
    assert.instance(error, FormatError);
    return error as FormatError;
  }
  return assert.unreachable('expected a FormatError') as never;
}

test('decodePng refuses a small PNG declaring 60000×60000 pixels from its header, at once', () => {
  const bytes = declaredPng(60000, 60000);
  assert.ok(bytes.length < 100, `${bytes.length} bytes`);
  const start = performance.now();
  const error = formatError(() => decodePng(bytes, 'huge.png'));
  assert.ok(performance.now() - start < 100, 'refused without decoding');
  assert.is(error.file, 'huge.png');
  assert.match(error.message, /^huge\.png: png: the file declares 60000×60000 pixels \(width×height\), more than the 67108864 this reader decodes/);
});

test('decodePng takes a lower pixel limit, and decodes an image right at it', () => {
  const image = randomImage(random, 6, 5, 3);
  const bytes = encodePng(image);
  assert.equal(decodePng(bytes, 'at.png', 30).data, image.data);
  assert.match(formatError(() => decodePng(bytes, 'over.png', 29)).message, /declares 5×6 pixels/);
  assert.is(MAX_PNG_PIXELS, 8192 * 8192);
});

test('decodePng names a file cut inside its IHDR, and a PNG whose data is short, as corrupt', () => {
  const bytes = encodePng(randomImage(random, 4, 4, 1));
  assert.match(formatError(() => decodePng(bytes.subarray(0, 20), 'cut.png')).message, /^cut\.png: png: a corrupt PNG file \(no IHDR chunk/);
  assert.match(formatError(() => decodePng(declaredPng(64, 64, 2), 'short.png')).message, /^short\.png: png: a corrupt PNG file \(/);
});

test.run();
