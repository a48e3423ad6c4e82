import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readNpy, writeNpy } from '../src/io/mod.ts';
import { assertEqual } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('npy');

test('writeNpy writes a version 1.0 header that NumPy reads: <f4, C order, the shape as a tuple, data 64-aligned', () => {
  const bytes = writeNpy(new Float32Array([1, -2, 0.5, 3, 4, 5]), [2, 3]);
  assert.equal([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLength = bytes[8] | (bytes[9] << 8);
  assert.is((10 + headerLength) % 64, 0);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  assert.ok(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
  assert.ok(header.endsWith(' \n'));
  assert.is(bytes.length, 10 + headerLength + 24);
  const view = new DataView(bytes.buffer, 10 + headerLength);
  assert.equal([0, 1, 2, 3, 4, 5].map((i) => view.getFloat32(4 * i, true)), [1, -2, 0.5, 3, 4, 5]);
});

test('writeNpy spells a one-dimensional shape (n,) and a scalar ()', () => {
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(10, 10 + (bytes[8] | (bytes[9] << 8))));
  assert.match(text(writeNpy(new Float32Array(7), [7])), "'shape': (7,), }");
  assert.match(text(writeNpy(new Float32Array([2]), [])), "'shape': (), }");
});

test('readNpy reads back what writeNpy wrote, for random shapes', () => {
  for (const shape of [[5], [3, 4], [2, 3, 5], [1, 3, 20, 24], [0, 4]]) {
    const data = random.uniformArray(shape.reduce((a, b) => a * b, 1));
    const back = readNpy(writeNpy(data, shape));
    assert.equal(back.shape, shape);
    assertEqual(`npy ${shape}`, back.data, data, { random });
  }
});

test('writeNpy and readNpy refuse a shape that does not hold the data, and files they cannot read', () => {
  assertThrowsWith(() => writeNpy(new Float32Array(5), [2, 3]), RangeError, /5 values but shape \[2, 3\] holds 6/);
  assertThrowsWith(() => writeNpy(new Float32Array(0), [-1]), RangeError, /non-negative integers/);
  assertThrowsWith(() => readNpy(new TextEncoder().encode('not numpy')), Error, /not an .npy file/);
  const f8 = writeNpy(new Float32Array(2), [2]);
  f8.set(new TextEncoder().encode("'<f8'"), 19);
  assertThrowsWith(() => readNpy(f8), Error, /dtype <f8/);
  const six = writeNpy(new Float32Array(6), [6]);
  assertThrowsWith(() => readNpy(six.subarray(0, six.length - 8)), Error, /needs 24 bytes of data but the file has 16/);
});

test.run();
