import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FormatError, readSafetensors, type SafetensorsFile } from '../src/io/mod.ts';
import { concat, describeTally, type FuzzTarget, fuzzParser, fuzzRuns, mutated } from './support/fuzz_parser.ts';

const RUNS = fuzzRuns(250);
const BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2 };

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
}

/** The pieces of a valid file: tensors (unique names), the order of their bytes, metadata, header padding. */
const validParts = fc
  .record({
    entries: fc.uniqueArray(
      fc.record({
        name: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 })),
        dtype: fc.constantFrom('F32', 'F16', 'BF16'),
        shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
      }),
      { selector: (e) => e.name, maxLength: 5 },
    ),
    metadata: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 16 }), { maxKeys: 3 })),
    padding: fc.integer({ min: 0, max: 9 }),
    seed: fc.integer(),
  })
  .map((parts) => ({ ...parts, entries: parts.entries.filter((e) => e.name !== '__metadata__') }));

type Parts = typeof validParts extends fc.Arbitrary<infer P> ? P : never;

/** The header object and data bytes of `parts`: tensors' bytes in reverse header order, so offsets are out of order. */
function layout(parts: Parts): { header: Record<string, unknown>; data: Uint8Array } {
  const header: Record<string, unknown> = {};
  if (parts.metadata !== null) header.__metadata__ = parts.metadata;
  const sizes = parts.entries.map((e) => e.shape.reduce((p, s) => p * s, 1) * BYTES[e.dtype]);
  let offset = 0;
  const offsets: [number, number][] = [];
  for (let i = parts.entries.length - 1; i >= 0; i--) {
    offsets[i] = [offset, offset + sizes[i]];
    offset += sizes[i];
  }
  parts.entries.forEach((e: Entry, i) => {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: offsets[i] };
  });
  const data = new Uint8Array(offset);
  let state = parts.seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state >>> 24; // any bytes: NaN and Inf weights are the loader's to refuse, not the format's
  }
  return { header, data };
}

/** A file of a header's text (padded with spaces), its data, and a declared header length (default: the true one). */
function file(headerText: string | Uint8Array, data: Uint8Array, declared?: bigint): Uint8Array {
  const json = typeof headerText === 'string' ? new TextEncoder().encode(headerText) : headerText;
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, declared ?? BigInt(json.length), true);
  return concat(length, json, data);
}

const validFiles = validParts.map((parts) => {
  const { header, data } = layout(parts);
  return file(JSON.stringify(header) + ' '.repeat(parts.padding), data);
});

const extremeNumbers = fc.oneof(
  fc.constantFrom(-1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 64, 1e308, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: 0, max: 4096 }),
);
const oddValues = fc.oneof(extremeNumbers, fc.constantFrom<unknown>(null, '0', true, [], {}, [[1]], 'F32'));

/** A valid file with one field of one tensor replaced by a lie. */
const lyingFields = fc
  .tuple(validParts.filter((p) => p.entries.length > 0), fc.nat(), fc.constantFrom('data_offsets', 'shape', 'dtype', 'entry'), fc.array(oddValues, { maxLength: 4 }), oddValues)
  .map(([parts, pick, field, list, one]) => {
    const { header, data } = layout(parts);
    const entry = parts.entries[pick % parts.entries.length].name;
    const described = header[entry] as Record<string, unknown>;
    if (field === 'entry') header[entry] = one;
    else if (field === 'dtype') described.dtype = fc.sample(fc.constantFrom('F64', 'I64', 'U8', 'f32', '', 'F8_E4M3', 'BOOL'), { seed: pick, numRuns: 1 })[0];
    else described[field] = list.length === 0 ? one : list;
    return file(JSON.stringify(header), data);
  });

/** Tensors whose offsets overlap, leave gaps, or run past the data; shapes whose size overflows. */
const lyingLayouts = fc
  .tuple(validParts.filter((p) => p.entries.length > 1), fc.constantFrom('overlap', 'gap', 'past', 'huge-shape', 'swap', 'zero-length'))
  .map(([parts, lie]) => {
    const { header, data } = layout(parts);
    const names = parts.entries.map((e) => e.name);
    const [a, b] = [header[names[0]], header[names[1]]] as { data_offsets: [number, number]; shape: number[]; dtype: string }[];
    if (lie === 'overlap') b.data_offsets = [...a.data_offsets];
    if (lie === 'gap') a.data_offsets = [a.data_offsets[0] + 4, a.data_offsets[1] + 4];
    if (lie === 'past') a.data_offsets = [a.data_offsets[0], data.length + 4096];
    if (lie === 'huge-shape') a.shape = [2 ** 31, 2 ** 31, 2 ** 31];
    if (lie === 'swap') [a.data_offsets, b.data_offsets] = [b.data_offsets, a.data_offsets];
    if (lie === 'zero-length') a.data_offsets = [0, 0];
    return file(JSON.stringify(header), data);
  });

/** Headers that are hostile as text: lying length, duplicate keys, deep nesting, enormous, not UTF-8, not JSON. */
const hostileHeaders = fc
  .tuple(validParts, fc.constantFrom('length', 'duplicate', 'deep', 'enormous', 'non-utf8', 'not-json', 'many'), fc.integer({ min: 1, max: 200_000 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }))
  .map(([parts, kind, n, declared]) => {
    const { header, data } = layout(parts);
    const text = JSON.stringify(header);
    switch (kind) {
      case 'length':
        return file(text, data, declared % 3n === 0n ? declared : BigInt(Math.max(0, text.length + (n % 17) - 8)));
      case 'duplicate': {
        const first = parts.entries[0];
        const repeated = first ? `"${first.name.replace(/["\\]/g, '')}":${JSON.stringify({ dtype: 'F32', shape: [1], data_offsets: [0, 4] })},` : '"x":1,"x":2,';
        return file(`{${repeated}${text.slice(1)}`, data);
      }
      case 'deep': {
        const depth = n;
        return file(`{"t":{"dtype":"F32","shape":${'['.repeat(depth)}${']'.repeat(depth)},"data_offsets":[0,0]}}`, new Uint8Array(0));
      }
      case 'enormous':
        return file(JSON.stringify({ __metadata__: { note: 'x'.repeat(n * 4) }, ...header }), data);
      case 'non-utf8': {
        const bytes = new TextEncoder().encode(text);
        const out = bytes.slice();
        out[Math.min(out.length - 1, 2 + (n % Math.max(1, out.length - 3)))] = 0xff;
        return file(out, data);
      }
      case 'not-json':
        return file(text.slice(0, Math.max(0, text.length - 1 - (n % 5))), data);
      case 'many': {
        const many: Record<string, unknown> = {};
        for (let i = 0; i < Math.min(n, 20_000); i++) many[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
        return file(JSON.stringify(many), new Uint8Array(0));
      }
    }
  });

const target: FuzzTarget<SafetensorsFile> = {
  format: 'safetensors',
  file: 'fuzz.safetensors',
  parse: (bytes, name) => readSafetensors(bytes, name),
  valid: validFiles,
  hostile: [lyingFields, lyingLayouts, hostileHeaders, mutated(lyingLayouts)],
  checkLoaded(result, bytes) {
    let values = 0;
    for (const [name, tensor] of result.tensors) {
      const count = tensor.shape.reduce((p, s) => p * s, 1);
      assert.is(tensor.data.length, count, `tensor "${name}" holds product(shape) values`);
      values += count;
    }
    // Half-precision tensors widen to float32: at most twice the file, never a size the header merely claims.
    assert.ok(4 * values <= 2 * bytes.length, `${values} float32 values from a ${bytes.length}-byte file`);
  },
};

test(`safetensors: valid files load, and ${RUNS} cases each of mutated and hostile files load or throw FormatError naming the file`, () => {
  const tally = fuzzParser(target, RUNS);
  if (process.env.DEEPINSIDE_FUZZ_REPORT) console.log(describeTally('safetensors', tally));
  assert.ok(tally.refused > RUNS, 'most hostile cases are refused');
  assert.ok(tally.loaded >= RUNS / 4, 'every valid case loaded');
});

test('safetensors: a 90-byte file claiming a 4 GB tensor fails fast, allocating nothing of that size', () => {
  const bytes = file(JSON.stringify({ t: { dtype: 'F32', shape: [1 << 30], data_offsets: [0, 2 ** 32] } }), new Uint8Array(0));
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  assert.throws(() => readSafetensors(bytes, 'claims.safetensors'), (e: unknown) => e instanceof FormatError && /out of range/.test(e.message));
  assert.ok(performance.now() - start < 50);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
});

test.run();
