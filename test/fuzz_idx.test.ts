import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFashionMnist } from '../src/cli/mod.ts';
import type { ImageDataset } from '../src/data/mod.ts';
import { type IdxArray, readIdx } from '../src/io/mod.ts';
import { temporaryFolder } from './support/cli_fixture.ts';
import { concat, describeTally, type FuzzTarget, fuzzParser, fuzzRuns, mutated } from './support/fuzz_parser.ts';

const RUNS = fuzzRuns(200);

function idx(shape: readonly number[], data: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head.set([0, 0, 0x08, shape.length]);
  const view = new DataView(head.buffer);
  shape.forEach((size, i) => view.setUint32(4 + 4 * i, size, false));
  return concat(head, data);
}

const validFiles = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
  fc.uint8Array({ minLength: shape.reduce((p, s) => p * s, 1), maxLength: shape.reduce((p, s) => p * s, 1) }).map((data) => idx(shape, data)),
);

/** Dimensions that lie: huge, zero, many, with the data short or long. */
const lyingDimensions = fc
  .tuple(fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(2 ** 31, 2 ** 32 - 1, 65536)), { minLength: 0, maxLength: 6 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 255 }))
  .map(([shape, dataBytes, rank]) => {
    const file = idx(shape, new Uint8Array(dataBytes));
    if (rank % 7 === 0) file[3] = rank; // a rank that disagrees with the dimensions written
    return file;
  });

const idxTarget: FuzzTarget<IdxArray> = {
  format: 'idx',
  file: 'fuzz.idx',
  parse: (bytes, name) => readIdx(bytes, name),
  valid: validFiles,
  hostile: [lyingDimensions, mutated(lyingDimensions)],
  checkLoaded(result, bytes) {
    assert.is(result.data.length, result.shape.reduce((p, s) => p * s, 1));
    assert.ok(result.data.length <= bytes.length);
  },
};

test(`idx: valid files load, and ${RUNS} cases each of mutated and hostile files load or throw FormatError naming the file`, () => {
  const tally = fuzzParser(idxTarget, RUNS);
  if (process.env.DEEPINSIDE_FUZZ_REPORT) console.log(describeTally('idx', tally));
  assert.ok(tally.refused > RUNS);
});

// Label files as the command line reads them: gzip IDX beside a valid images file, through readFashionMnist.
const folder = temporaryFolder();
const LABELS = 't10k-labels-idx1-ubyte.gz';
const N = 3;
writeFileSync(join(folder, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([N, 28, 28], new Uint8Array(N * 784))));

const validLabels = fc.uint8Array({ minLength: N, maxLength: N, max: 9 }).map((labels) => idx([N], labels));
const labelTarget: FuzzTarget<ImageDataset> = {
  format: 'fashion-mnist labels',
  file: join(folder, LABELS),
  parse: (bytes, path) => {
    // Half the cases are gzipped as the files come; the rest are raw bytes, which gunzip must refuse.
    writeFileSync(path, bytes[0] === 0 ? gzipSync(bytes) : bytes);
    return readFashionMnist('test', folder);
  },
  valid: validLabels,
  hostile: [lyingDimensions, fc.uint8Array({ maxLength: 64 }).map((raw) => (raw.length > 0 ? concat(Uint8Array.of(1), raw) : raw))],
  checkLoaded(result) {
    assert.is(result.length, N);
    for (let i = 0; i < N; i++) assert.ok(result.label(i) < 10);
  },
};

test(`fashion-mnist label files: valid ones load, and ${Math.round(RUNS / 2)} cases each of hostile ones load or throw FormatError naming the file`, () => {
  try {
    const tally = fuzzParser(labelTarget, Math.round(RUNS / 2));
    if (process.env.DEEPINSIDE_FUZZ_REPORT) console.log(describeTally('fashion-mnist labels', tally));
    assert.ok(tally.refused > RUNS / 2);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('readFashionMnist stops a gzip bomb at its bound instead of inflating it', () => {
  const bomb = temporaryFolder();
  mkdirSync(bomb, { recursive: true });
  // 30 gzip members of 10 MiB of zeros each (gunzip reads them as one stream): 300 MiB from about 300 KB.
  const member = gzipSync(new Uint8Array(10 * 1024 * 1024));
  writeFileSync(join(bomb, 't10k-images-idx3-ubyte.gz'), concat(...Array.from({ length: 30 }, () => member)));
  writeFileSync(join(bomb, LABELS), gzipSync(idx([1], new Uint8Array(1))));
  assert.throws(() => readFashionMnist('test', bomb), /t10k-images-idx3-ubyte\.gz: gzip: cannot decompress it \(it inflates to more than 268435456 bytes\)/);
  rmSync(bomb, { recursive: true, force: true });
});

test.run();
