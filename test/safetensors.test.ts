import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FormatError, readSafetensors, writeSafetensors } from '../src/io/mod.ts';
import { float32Bytes, safetensorsBytes, uint16Bytes } from './support/safetensors_bytes.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const hex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));

function sample(): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map([
    ['features.0.weight', { shape: [2, 1, 3], data: Float32Array.from([1, -2, 0.5, 3e-8, -0, Infinity]) }],
    ['scalar', { shape: [], data: Float32Array.from([42]) }],
    ['empty', { shape: [0, 4], data: new Float32Array(0) }],
    ['bias', { shape: [3], data: Float32Array.from([0.1, 0.2, 0.3]) }],
  ]);
}

test('writeSafetensors then readSafetensors gives back F32 tensors, shapes, order and metadata', () => {
  const bytes = writeSafetensors(sample(), { deepinside: '{"format":1}', note: 'ü' });
  const file = readSafetensors(bytes);
  assert.equal([...file.tensors.keys()], ['features.0.weight', 'scalar', 'empty', 'bias']);
  for (const [name, tensor] of sample()) {
    const read = file.tensors.get(name);
    assert.ok(read, name);
    assert.is(read.dtype, 'F32');
    assert.equal(read.shape, tensor.shape);
    assert.equal([...read.data], [...tensor.data]);
  }
  assert.equal(file.metadata, { deepinside: '{"format":1}', note: 'ü' });
});

test('writeSafetensors pads the header with spaces to a multiple of 8 bytes, as the reference does', () => {
  for (const name of ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh']) {
    const bytes = writeSafetensors(new Map([[name, { shape: [1], data: Float32Array.from([1]) }]]));
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.is(length % 8, 0, name);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
    assert.match(header, /^\{.*\} *$/);
    assert.is(bytes.length, 8 + length + 4);
  }
});

test('writeSafetensors without metadata writes no __metadata__ key', () => {
  const bytes = writeSafetensors(new Map([['w', { shape: [1], data: Float32Array.from([1]) }]]));
  assert.not.match(new TextDecoder().decode(bytes), /__metadata__/);
  assert.equal(readSafetensors(bytes).metadata, {});
});

test('writeSafetensors refuses a shape that disagrees with the data, and a tensor named __metadata__', () => {
  const mismatched = new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]]);
  assertThrowsWith(() => writeSafetensors(mismatched), RangeError, /"w" has 3 values but shape \[2, 2\] holds 4/);
  const fractional = new Map([['w', { shape: [1.5], data: new Float32Array(1) }]]);
  assertThrowsWith(() => writeSafetensors(fractional), RangeError, /"w" has shape \[1.5\]/);
  const reserved = new Map([['__metadata__', { shape: [1], data: new Float32Array(1) }]]);
  assertThrowsWith(() => writeSafetensors(reserved), TypeError, /reserved/);
  const badMetadata = { n: 3 } as unknown as Record<string, string>;
  assertThrowsWith(() => writeSafetensors(new Map(), badMetadata), TypeError, /metadata "n" is a number/);
});

test('readSafetensors reads a file the reference implementation (safetensors 0.8 serialize) wrote', () => {
  // F32 b = [1.5, -2], BF16 c = [0x3f80, 0xc049], F16 a = [0x3c00, 0x0001, 0x7c00], metadata {k: v}.
  const file = readSafetensors(hex(
    'c0000000000000007b225f5f6d657461646174615f5f223a7b226b223a2276227d2c2262223a7b226474797065223a22463332222c2273' +
      '68617065223a5b325d2c22646174615f6f666673657473223a5b302c385d7d2c2263223a7b226474797065223a2242463136222c2273' +
      '68617065223a5b325d2c22646174615f6f666673657473223a5b382c31325d7d2c2261223a7b226474797065223a22463136222c2273' +
      '68617065223a5b335d2c22646174615f6f666673657473223a5b31322c31385d7d7d2020200000c03f000000c0803f49c0003c010000' +
      '7c',
  ));
  assert.equal(file.metadata, { k: 'v' });
  assert.equal([...file.tensors.keys()], ['b', 'c', 'a']);
  assert.equal([...(file.tensors.get('b')?.data ?? [])], [1.5, -2]);
  assert.equal([...(file.tensors.get('c')?.data ?? [])], [1, -3.140625]);
  assert.equal([...(file.tensors.get('a')?.data ?? [])], [1, 2 ** -24, Infinity]);
  assert.is(file.tensors.get('c')?.dtype, 'BF16');
});

test('readSafetensors widens a hand-built F16 tensor: 1, -2, subnormals, 65504, ±∞, NaN, -0', () => {
  const bits = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000];
  const bytes = safetensorsBytes({ h: { dtype: 'F16', shape: [3, 3], data_offsets: [0, 18] } }, uint16Bytes(bits));
  const tensor = readSafetensors(bytes).tensors.get('h');
  assert.ok(tensor);
  assert.is(tensor.dtype, 'F16');
  assert.equal(tensor.shape, [3, 3]);
  const d = tensor.data;
  assert.equal([d[0], d[1], d[2], d[3], d[4], d[5], d[6]], [1, -2, 2 ** -24, 1023 * 2 ** -24, 65504, Infinity, -Infinity]);
  assert.ok(Number.isNaN(d[7]));
  assert.ok(Object.is(d[8], -0));
});

test('readSafetensors widens a hand-built BF16 tensor: 1, -2, 3.140625, subnormal, ±∞, NaN', () => {
  const bits = [0x3f80, 0xc000, 0x4049, 0x0001, 0x7f80, 0xff80, 0x7fc0];
  const bytes = safetensorsBytes({ b: { dtype: 'BF16', shape: [7], data_offsets: [0, 14] } }, uint16Bytes(bits));
  const d = readSafetensors(bytes).tensors.get('b')?.data ?? new Float32Array(0);
  assert.equal([...d.subarray(0, 6)], [1, -2, 3.140625, 2 ** -133, Infinity, -Infinity]);
  assert.ok(Number.isNaN(d[6]));
});

test('readSafetensors reads F32 data at any alignment, and inside a larger buffer', () => {
  for (const padding of ['', ' ', '  ', '   ']) {
    const header = `{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}${padding}`;
    const file = safetensorsBytes(header, float32Bytes([1.25, -7]));
    for (const shift of [0, 1, 2, 3, 4]) {
      const outer = new Uint8Array(file.length + shift + 5);
      outer.set(file, shift);
      const read = readSafetensors(outer.subarray(shift, shift + file.length));
      assert.equal([...(read.tensors.get('w')?.data ?? [])], [1.25, -7], `padding ${padding.length}, shift ${shift}`);
    }
  }
});

test('readSafetensors refuses a file shorter than 8 bytes', () => {
  assertThrowsWith(() => readSafetensors(new Uint8Array(5)), Error, /5 bytes, shorter than the 8-byte header length/);
});

test('readSafetensors refuses a file truncated anywhere, naming it truncated', () => {
  const bytes = writeSafetensors(sample(), { k: 'v' });
  for (let cut = 0; cut < bytes.length; cut++) {
    assertThrowsWith(() => readSafetensors(bytes.subarray(0, cut)), Error, /truncated/);
  }
});

test('readSafetensors refuses a header length beyond the file', () => {
  const bytes = safetensorsBytes('{}', new Uint8Array(0), 1000);
  assertThrowsWith(() => readSafetensors(bytes), Error, /header length 1000 runs past the end of the 10-byte file/);
  const huge = safetensorsBytes('{}', new Uint8Array(0), 2 ** 52);
  assertThrowsWith(() => readSafetensors(huge), Error, /header length 4503599627370496 runs past/);
});

test('readSafetensors refuses a header that is not JSON, not UTF-8, or not an object', () => {
  assertThrowsWith(() => readSafetensors(safetensorsBytes('{"w": [1,')), Error, /header is not valid JSON/);
  const latin1 = safetensorsBytes('{}');
  latin1[9] = 0xff;
  assertThrowsWith(() => readSafetensors(latin1), Error, /not valid UTF-8/);
  assertThrowsWith(() => readSafetensors(safetensorsBytes('[1, 2]')), Error, /must be a JSON object/);
});

test('readSafetensors refuses malformed tensor entries and metadata, naming the tensor', () => {
  const cases: [unknown, RegExp][] = [
    [{ w: 3 }, /tensor "w" must be described by an object/],
    [{ w: { shape: [1], data_offsets: [0, 4] } }, /tensor "w" has dtype missing/],
    [{ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, /tensor "w" has shape \[-1\]/],
    [{ w: { dtype: 'F32', shape: '1', data_offsets: [0, 4] } }, /tensor "w" has shape "1"/],
    [{ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, /tensor "w" has data_offsets \[0\]/],
    [{ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, /tensor "w" has data_offsets \[0,4.5\]/],
    [{ __metadata__: { k: 1 } }, /__metadata__ "k" is 1; metadata values must be strings/],
    [{ __metadata__: ['k'] }, /__metadata__ must be an object of strings/],
  ];
  for (const [header, pattern] of cases) {
    assertThrowsWith(() => readSafetensors(safetensorsBytes(header, new Uint8Array(4))), Error, pattern);
  }
});

test('readSafetensors refuses dtypes other than F32, F16 and BF16, naming the tensor and the dtype', () => {
  const i64 = safetensorsBytes({ 'step': { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8));
  assertThrowsWith(() => readSafetensors(i64), Error, /tensor "step" has dtype I64; only F32, F16, BF16 can be read/);
  const odd = safetensorsBytes({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1));
  assertThrowsWith(() => readSafetensors(odd), Error, /tensor "w" has dtype Q4 \(not a safetensors dtype\)/);
});

test('readSafetensors refuses a header that lies about offsets: out of range, reversed, wrong length', () => {
  const data = new Uint8Array(16);
  const outOfRange = safetensorsBytes({ w: { dtype: 'F32', shape: [8], data_offsets: [0, 32] } }, data);
  assertThrowsWith(() => readSafetensors(outOfRange), Error, /"w" data_offsets \[0, 32\] are out of range: only 16 data bytes/);
  const reversed = safetensorsBytes({ w: { dtype: 'F32', shape: [2], data_offsets: [16, 8] } }, data);
  assertThrowsWith(() => readSafetensors(reversed), Error, /header lies about offsets: tensor "w" has reversed data_offsets/);
  const short = safetensorsBytes({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, data);
  assertThrowsWith(() => readSafetensors(short), Error, /header lies about offsets: tensor "w" spans 16 bytes but F32 \[3\] needs 12/);
  const half = safetensorsBytes({ w: { dtype: 'F16', shape: [2, 2], data_offsets: [0, 16] } }, data);
  assertThrowsWith(() => readSafetensors(half), Error, /"w" spans 16 bytes but F16 \[2, 2\] needs 8/);
});

test('readSafetensors refuses overlapping tensors, gaps and trailing bytes in the data region', () => {
  const overlap = safetensorsBytes(
    { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
    new Uint8Array(12),
  );
  assertThrowsWith(() => readSafetensors(overlap), Error, /header lies about offsets: tensor "b" \[4, 12\) overlaps "a" \[0, 8\)/);
  const same = safetensorsBytes(
    { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } },
    new Uint8Array(8),
  );
  assertThrowsWith(() => readSafetensors(same), Error, /overlaps/);
  const gap = safetensorsBytes(
    { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [12, 20] } },
    new Uint8Array(20),
  );
  assertThrowsWith(() => readSafetensors(gap), Error, /data bytes \[8, 12\) before tensor "b" belong to no tensor/);
  const trailing = safetensorsBytes({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(11));
  assertThrowsWith(() => readSafetensors(trailing), Error, /cover 8 data bytes but 11 follow the header; 3 trailing bytes/);
});

test('readSafetensors accepts zero-length tensors anywhere, as the reference does', () => {
  const bytes = safetensorsBytes(
    {
      z: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
    },
    new Uint8Array(8),
  );
  const file = readSafetensors(bytes);
  assert.equal([...file.tensors.keys()], ['a', 'z', 'b']);
  assert.is(file.tensors.get('z')?.data.length, 0);
});

test('a header not padded to 8 bytes, which the format allows, loads from a Node Buffer: unaligned F32 tensors are copied', () => {
  // The bug: Buffer's slice is a view, so the "copy" of an unaligned tensor still started at an odd offset.
  for (const pad of ['', ' ', '  ', '   ']) {
    const header = `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}${pad}`;
    const bytes = Buffer.from(safetensorsBytes(header, float32Bytes([1.5, -2, 3e-7])));
    const file = readSafetensors(bytes, 'odd.safetensors');
    assert.equal([...(file.tensors.get('a')?.data ?? [])], [1.5, -2], `pad ${pad.length}`);
    assert.equal([...(file.tensors.get('b')?.data ?? [])], [Math.fround(3e-7)], `pad ${pad.length}`);
  }
});

test('readSafetensors throws FormatError naming the file when given a name, and the format alone when not', () => {
  assertThrowsWith(() => readSafetensors(new Uint8Array(3), 'tiny.safetensors'), FormatError as unknown as ErrorConstructor,
    /^tiny\.safetensors: safetensors: the file is 3 bytes, shorter than the 8-byte header length/);
  assertThrowsWith(() => readSafetensors(new Uint8Array(3)), FormatError as unknown as ErrorConstructor, /^safetensors: the file is 3 bytes/);
});

test('a 40-byte file claiming a 4 GB header fails at once, and a header over the format\'s 100 MB limit is refused unread', () => {
  const small = new Uint8Array(40);
  new DataView(small.buffer).setBigUint64(0, 4n << 30n, true);
  const start = performance.now();
  assertThrowsWith(() => readSafetensors(small), FormatError as unknown as ErrorConstructor, /header length 4294967296 runs past the end of the 40-byte file/);
  assert.ok(performance.now() - start < 50);
  const big = new Uint8Array(8 + 100_000_001);
  new DataView(big.buffer).setBigUint64(0, 100_000_001n, true);
  assertThrowsWith(() => readSafetensors(big), FormatError as unknown as ErrorConstructor, /header length 100000001 is over the format's limit of 100000000 bytes/);
});

test.run();
