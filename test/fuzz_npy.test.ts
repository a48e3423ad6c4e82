import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type NpyArray, readNpy, writeNpy } from '../src/io/mod.ts';
import { concat, describeTally, type FuzzTarget, fuzzParser, fuzzRuns, mutated } from './support/fuzz_parser.ts';

const RUNS = fuzzRuns(200);

const shapes = fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 });
const validFiles = fc.tuple(shapes, fc.integer()).map(([shape, seed]) => {
  const count = shape.reduce((p, s) => p * s, 1);
  const data = Float32Array.from({ length: count }, (_, i) => Math.sin(seed + i) * 1e3);
  return writeNpy(data, shape);
});

/** A version 1, 2 or 3 file with a header dictionary written by hand: lies in shape, dtype, order and length. */
const lyingHeaders = fc
  .tuple(
    fc.constantFrom(1, 2, 3),
    fc.oneof(
      fc.constantFrom("'<f4'", "'>f4'", "'<f8'", "'|u1'", "'<f4", '"<f4"', "''"),
      fc.string({ maxLength: 10 }).map((s) => `'${s}'`),
    ),
    fc.constantFrom('False', 'True', 'false', '0'),
    fc.oneof(
      fc.array(fc.constantFrom('0', '1', '3', '-1', '2.5', '1e3', '4294967296', '9007199254740993', '99999999999999999999', 'x', ''), { maxLength: 5 }).map((parts) => `(${parts.join(', ')})`),
      fc.constantFrom('(', '[2, 3]', '(((1,),),)', '()', '(1,)'),
    ),
    fc.integer({ min: 0, max: 64 }),
    fc.integer({ min: -8, max: 8 }),
  )
  .map(([version, descr, order, shape, dataBytes, lengthLie]) => {
    const text = `{'descr': ${descr}, 'fortran_order': ${order}, 'shape': ${shape}, }\n`;
    const header = new TextEncoder().encode(text);
    const lengthBytes = version === 1 ? 2 : 4;
    const preamble = new Uint8Array(8 + lengthBytes);
    preamble.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
    const view = new DataView(preamble.buffer);
    const declared = Math.max(0, header.length + lengthLie);
    if (lengthBytes === 2) view.setUint16(8, declared, true);
    else view.setUint32(8, declared, true);
    return concat(preamble, header, new Uint8Array(dataBytes));
  });

/** A header declaring a length far past the file, and a header of 60 KB. */
const hugeHeaders = fc.tuple(fc.constantFrom(1, 2), fc.integer({ min: 1000, max: 60_000 })).map(([version, size]) => {
  const lengthBytes = version === 1 ? 2 : 4;
  const preamble = new Uint8Array(8 + lengthBytes);
  preamble.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(preamble.buffer);
  if (lengthBytes === 2) view.setUint16(8, size, true);
  else view.setUint32(8, size % 2 ? 0xffffffff : size, true);
  return concat(preamble, new TextEncoder().encode(`{'descr': '<f4', ${'x'.repeat(size)}`));
});

const target: FuzzTarget<NpyArray> = {
  format: 'npy',
  file: 'fuzz.npy',
  parse: (bytes, name) => readNpy(bytes, name),
  valid: validFiles,
  hostile: [lyingHeaders, hugeHeaders, mutated(lyingHeaders)],
  checkLoaded(result, bytes) {
    assert.is(result.data.length, result.shape.reduce((p, s) => p * s, 1));
    assert.ok(4 * result.data.length <= bytes.length, 'no more values than the file holds');
  },
};

test(`npy: valid files load, and ${RUNS} cases each of mutated and hostile files load or throw FormatError naming the file`, () => {
  const tally = fuzzParser(target, RUNS);
  if (process.env.DEEPINSIDE_FUZZ_REPORT) console.log(describeTally('npy', tally));
  assert.ok(tally.refused > RUNS);
});

test.run();
