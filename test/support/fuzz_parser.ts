// A generic property-based fuzz harness for anything that reads a file's bytes: give it the parser, a
// generator of valid files and, if you like, generators of hostile ones that know the format; it mutates
// the valid files (truncates, flips, overwrites fields with extreme values, inserts, deletes, duplicates),
// runs every case through the parser and asserts that each one ends in a load or the library's FormatError
// naming the file and the problem, quickly, without allocating for a size the file merely claims.
//
// Adding a parser (the ONNX importer, say) is a few lines:
//   fuzzParser({ format: 'onnx', file: 'fuzz.onnx', parse: (bytes, file) => readOnnx(bytes, file),
//                valid: validOnnxFiles, hostile: [...] });
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { FormatError } from '../../src/io/mod.ts';

/** Cases per parser: DEEPINSIDE_FUZZ_RUNS (set by `npm run fuzz -- --runs N`) or each test's default. */
export function fuzzRuns(defaultRuns: number): number {
  const text = process.env.DEEPINSIDE_FUZZ_RUNS;
  const runs = text === undefined || text === '' ? defaultRuns : Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError(`DEEPINSIDE_FUZZ_RUNS=${text} is not a positive whole number`);
  return runs;
}

/** The seed of every fuzz property: fixed, so `npm test` runs the same cases; DEEPINSIDE_FUZZ_SEED changes it. */
export function fuzzSeed(): number {
  const text = process.env.DEEPINSIDE_FUZZ_SEED;
  return text === undefined || text === '' ? 18 : Number(text);
}

/** How long one case may take, in milliseconds (generous: the CPU is shared; a hang takes far longer). */
export const CASE_TIME_LIMIT_MS = 2000;

/** A refused case may allocate this much, plus ALLOCATION_PER_BYTE per byte of the file, and no more. */
export const ALLOCATION_SLACK_BYTES = 2 * 1024 * 1024;
export const ALLOCATION_PER_BYTE = 16;

/** The longest message a refusal may print: one line a user can read, not a dump of the file. */
export const MAX_MESSAGE_LENGTH = 600;

/** A parser under fuzzing. */
export interface FuzzTarget<T> {
  /** Names the parser in test names and reports. */
  readonly format: string;
  /** The name the parser is given, which every refusal must start with. */
  readonly file: string;
  /** Reads the bytes; returns what it loaded, or throws. */
  parse(bytes: Uint8Array, file: string): T;
  /** Files the parser must load. */
  readonly valid: fc.Arbitrary<Uint8Array>;
  /** Hostile files that know the format (lying lengths, huge sizes, NaN weights, ...), beside the generic mutations. */
  readonly hostile?: readonly fc.Arbitrary<Uint8Array>[];
  /** Checks a successful load (for example, that no tensor holds more bytes than the file). */
  checkLoaded?(result: T, bytes: Uint8Array): void;
  /**
   * The most a refusal may allocate for these bytes; default ALLOCATION_SLACK_BYTES + ALLOCATION_PER_BYTE per
   * byte. A compressed format may allow for its data inflated (deflate expands at most 1032-fold): that is
   * data the file holds, not a size it merely claims.
   */
  maxAllocation?(bytes: Uint8Array): number;
  /** Whether a thrown value is an acceptable refusal; default: a FormatError naming `file`. */
  isRefusal?(error: unknown, file: string): boolean;
}

/** What a fuzz run saw. */
export interface FuzzTally {
  cases: number;
  loaded: number;
  refused: number;
  /** Refusals by their problem's first words, to show that the run reached past the first check. */
  readonly problems: Map<string, number>;
}

/** Generic mutations of a file: 1 to 4 of truncation, byte and bit flips, extreme fields, inserts, deletes, duplicates. */
export function mutated(files: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  // Unbiased: fast-check's bias toward small values would make most cases a truncation at byte 0.
  return fc.tuple(files, fc.noBias(fc.array(mutation, { minLength: 1, maxLength: 4 }))).map(([bytes, steps]) => steps.reduce((b, step) => step(b), bytes));
}

type Mutation = (bytes: Uint8Array) => Uint8Array;

const EXTREMES = [
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0],
  [0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0],
  [0, 0, 0, 0x80, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, 0],
  [0, 0, 0, 0x40, 0, 0, 0, 0],
  [0, 0, 0, 1, 0, 0, 0, 0],
  [0x00, 0x00, 0xc0, 0x7f], // a float32 NaN, little-endian
  [0x00, 0x00, 0x80, 0x7f], // +Infinity
];

// A place in the file as a fraction of its length, uniform (fc.double is uniform in its bits, so nearly
// always within 1e-10 of 0).
const position = fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000);
const at = (bytes: Uint8Array, fraction: number): number => Math.floor(fraction * (bytes.length + 1));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  position.map((p): Mutation => (b) => b.slice(0, at(b, p))),
  fc.tuple(position, fc.integer({ min: 0, max: 255 })).map(([p, value]): Mutation => (b) => {
    const out = b.slice();
    if (out.length > 0) out[Math.min(at(b, p), out.length - 1)] = value;
    return out;
  }),
  fc.tuple(position, fc.integer({ min: 0, max: 7 })).map(([p, bit]): Mutation => (b) => {
    const out = b.slice();
    if (out.length > 0) out[Math.min(at(b, p), out.length - 1)] ^= 1 << bit;
    return out;
  }),
  fc.tuple(position, fc.constantFrom(...EXTREMES), fc.boolean()).map(([p, field, reversed]): Mutation => (b) => {
    const out = b.slice();
    const bytes = reversed ? [...field].reverse() : field;
    const start = Math.min(at(b, p), Math.max(0, out.length - bytes.length));
    for (let i = 0; i < bytes.length && start + i < out.length; i++) out[start + i] = bytes[i];
    return out;
  }),
  fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([p, inserted]): Mutation => (b) => {
    const i = at(b, p);
    return concat(b.subarray(0, i), inserted, b.subarray(i));
  }),
  fc.tuple(position, fc.integer({ min: 1, max: 16 })).map(([p, n]): Mutation => (b) => {
    const i = at(b, p);
    return concat(b.subarray(0, i), b.subarray(i + n));
  }),
  fc.tuple(position, position).map(([p, q]): Mutation => (b) => {
    const [i, j] = [at(b, p), at(b, q)].sort((x, y) => x - y);
    return concat(b.subarray(0, j), b.subarray(i, j), b.subarray(j));
  }),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail): Mutation => (b) => concat(b, tail)),
);

/** The bytes of several arrays, one after another, in a fresh buffer. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Runs `runs` cases of each kind — valid files (which must load), generic mutations of them, and each
 * hostile generator — through the parser, with a fixed seed; fails on the first case that throws anything
 * but a refusal, takes longer than CASE_TIME_LIMIT_MS, or allocates more than the bound while refusing.
 */
export function fuzzParser<T>(target: FuzzTarget<T>, runs: number): FuzzTally {
  const tally: FuzzTally = { cases: 0, loaded: 0, refused: 0, problems: new Map() };
  const seed = fuzzSeed();
  try {
    runAll(target, runs, seed, tally);
  } catch (error) {
    // fast-check reports the counterexample and keeps the property's own error as the cause: say both.
    const cause = (error as Error).cause;
    if (cause instanceof Error) (error as Error).message = `${cause.message}\n${(error as Error).message}`;
    throw error;
  }
  return tally;
}

function runAll<T>(target: FuzzTarget<T>, runs: number, seed: number, tally: FuzzTally): void {
  fc.assert(
    fc.property(target.valid, (bytes) => {
      const outcome = runCase(target, bytes, tally);
      assert.is(outcome, 'loaded', `${target.format}: a valid file must load`);
    }),
    { seed, numRuns: Math.max(1, Math.round(runs / 4)) },
  );
  for (const [i, files] of [mutated(target.valid), ...(target.hostile ?? [])].entries()) {
    fc.assert(
      fc.property(files, (bytes) => {
        runCase(target, bytes, tally);
      }),
      { seed: seed + i + 1, numRuns: runs },
    );
  }
}

function runCase<T>(target: FuzzTarget<T>, bytes: Uint8Array, tally: FuzzTally): 'loaded' | 'refused' {
  tally.cases++;
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  let result: T;
  try {
    result = target.parse(bytes, target.file);
  } catch (error) {
    const elapsed = performance.now() - start;
    const grown = process.memoryUsage().arrayBuffers - before;
    const refusal = target.isRefusal ? target.isRefusal(error, target.file) : isFormatErrorFor(error, target.file);
    if (!refusal) {
      throw new Error(`${target.format}: a ${bytes.length}-byte file threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}, not a refusal naming ${target.file}`);
    }
    const message = (error as Error).message;
    assert.ok(message.length <= MAX_MESSAGE_LENGTH, `${target.format}: a ${message.length}-character message: ${message.slice(0, 200)}...`);
    assert.not.match(message, /\n/, `${target.format}: a message of more than one line: ${message}`);
    assert.ok(elapsed < CASE_TIME_LIMIT_MS, `${target.format}: refusing a ${bytes.length}-byte file took ${elapsed.toFixed(0)} ms (${message})`);
    const bound = target.maxAllocation?.(bytes) ?? ALLOCATION_SLACK_BYTES + ALLOCATION_PER_BYTE * bytes.length;
    assert.ok(grown <= bound, `${target.format}: refusing a ${bytes.length}-byte file allocated ${grown} bytes (${message})`);
    tally.refused++;
    const problem = (error instanceof FormatError ? error.problem : message).split(/[\s(]/).slice(0, 4).join(' ');
    tally.problems.set(problem, (tally.problems.get(problem) ?? 0) + 1);
    return 'refused';
  }
  const elapsed = performance.now() - start;
  assert.ok(elapsed < CASE_TIME_LIMIT_MS, `${target.format}: loading a ${bytes.length}-byte file took ${elapsed.toFixed(0)} ms`);
  target.checkLoaded?.(result, bytes);
  tally.loaded++;
  return 'loaded';
}

/** A FormatError whose message starts with the file's name and carries a problem. */
export function isFormatErrorFor(error: unknown, file: string): boolean {
  return error instanceof FormatError && error.file === file && error.message.startsWith(`${file}: `) && error.problem.trim().length > 0;
}

/** One line for a test's output: cases, loads, refusals and the commonest problems. */
export function describeTally(format: string, tally: FuzzTally): string {
  const top = [...tally.problems].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([p, n]) => `${n}× "${p}…"`);
  return `fuzz ${format}: ${tally.cases} cases, ${tally.loaded} loaded, ${tally.refused} refused (${top.join(', ')})`;
}
