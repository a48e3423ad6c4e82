// The fuzz harness checked against parsers that are wrong in each way it looks for: a harness that passed
// them would make every fuzz test one that cannot fail.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FormatError } from '../src/io/mod.ts';
import { CASE_TIME_LIMIT_MS, type FuzzTarget, fuzzParser } from './support/fuzz_parser.ts';

/** A toy format: a 4-byte big-endian count, then that many bytes. */
const valid = fc.uint8Array({ maxLength: 16 }).map((data) => {
  const out = new Uint8Array(4 + data.length);
  new DataView(out.buffer).setUint32(0, data.length, false);
  out.set(data, 4);
  return out;
});

function careful(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length < 4) throw new FormatError('toy', `${bytes.length} bytes, shorter than the count`, file);
  const count = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, false);
  if (bytes.length - 4 !== count) throw new FormatError('toy', `count ${count} but ${bytes.length - 4} bytes follow`, file);
  return bytes.subarray(4);
}

function failure<T>(target: Partial<FuzzTarget<T>> & Pick<FuzzTarget<T>, 'parse'>): string {
  try {
    fuzzParser({ format: 'toy', file: 'toy.bin', valid, ...target }, 30);
  } catch (error) {
    return (error as Error).message;
  }
  return assert.unreachable('the harness passed a broken parser') as never;
}

test('the fuzz harness passes a careful parser', () => {
  const tally = fuzzParser({ format: 'toy', file: 'toy.bin', parse: careful, valid }, 30);
  assert.ok(tally.loaded >= 8 && tally.refused > 10, JSON.stringify(tally));
});

test('the fuzz harness fails a parser that throws something other than FormatError', () => {
  const message = failure({
    parse: (bytes, file) => {
      if (bytes.length < 4) throw new TypeError('Offset is outside the bounds of the DataView');
      return careful(bytes, file);
    },
  });
  assert.match(message, /threw TypeError: Offset is outside the bounds/);
});

test('the fuzz harness fails a parser whose refusal does not name the file', () => {
  assert.match(failure({ parse: (bytes) => careful(bytes, 'other.bin') }), /not a refusal naming toy\.bin/);
});

test('the fuzz harness fails a parser that allocates for the size a file claims', () => {
  const message = failure({
    parse: (bytes, file) => {
      const claimed = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, false) : 0;
      const buffer = new Uint8Array(Math.min(claimed, 64 << 20)); // reads "count" bytes up front
      buffer.fill(1);
      return careful(bytes, file);
    },
    hostile: [fc.constant(Uint8Array.of(0x01, 0, 0, 0, 7))],
  });
  assert.match(message, /allocated \d+ bytes/);
});

test('the fuzz harness fails a parser that takes too long over a case', () => {
  const message = failure({
    parse: (bytes, file) => {
      if (bytes[0] === 0xee) {
        const until = performance.now() + CASE_TIME_LIMIT_MS + 50;
        while (performance.now() < until);
      }
      return careful(bytes, file);
    },
    hostile: [fc.constant(Uint8Array.of(0xee, 0, 0, 0))],
  });
  assert.match(message, /took \d+ ms/);
});

test('the fuzz harness fails a parser that refuses a valid file', () => {
  assert.match(failure({ parse: (bytes, file) => careful(bytes.subarray(1), file) }), /a valid file must load/);
});

test.run();
