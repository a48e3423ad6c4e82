import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readIdx } from '../src/io/mod.ts';

/** An IDX file of unsigned bytes with the given dimensions and data. */
function idxBytes(shape: readonly number[], data: readonly number[], typeCode = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = typeCode;
  out[3] = shape.length;
  shape.forEach((size, i) => view.setUint32(4 + 4 * i, size, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

test('readIdx reads a hand-built 2×2×3 image file (magic 0x00000803), dimensions big-endian', () => {
  const data = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
  const bytes = idxBytes([2, 2, 3], data);
  assert.equal([...bytes.subarray(0, 8)], [0, 0, 8, 3, 0, 0, 0, 2]);
  const idx = readIdx(bytes);
  assert.equal(idx.shape, [2, 2, 3]);
  assert.equal([...idx.data], data);
});

test('readIdx reads a label file (magic 0x00000801) with more than 255 entries', () => {
  const data = Array.from({ length: 300 }, (_, i) => i % 10);
  const idx = readIdx(idxBytes([300], data));
  assert.equal(idx.shape, [300]);
  assert.is(idx.data.length, 300);
  assert.is(idx.data[299], 9);
});

test('readIdx refuses a file truncated in its magic, its dimensions or its data', () => {
  const bytes = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
  for (let cut = 0; cut < bytes.length; cut++) {
    assert.throws(() => readIdx(bytes.subarray(0, cut)), /truncated/, `cut at ${cut}`);
  }
  assert.throws(() => readIdx(bytes.subarray(0, 13)), /shape \[2, 3\] needs 6 data bytes but only 1 follow/);
});

test('readIdx refuses trailing bytes, gzip, a bad magic and types other than unsigned bytes', () => {
  assert.throws(() => readIdx(idxBytes([2], [1, 2, 3])), /needs 2 data bytes but 3 follow the header; 1 trailing/);
  assert.throws(() => readIdx(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0])), /gzip-compressed; decompress it first/);
  assert.throws(() => readIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0])), /magic number 0x01000801 must start with two zero bytes/);
  assert.throws(() => readIdx(idxBytes([1], [0, 0, 0, 0], 0x0d)), /type 0x0d; only unsigned bytes \(0x08\)/);
  assert.throws(() => readIdx(Uint8Array.from([0, 0, 8, 0])), /declares no dimensions/);
});

test.run();
