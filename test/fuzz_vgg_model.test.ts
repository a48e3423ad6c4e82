import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeSafetensors } from '../src/io/mod.ts';
import { initVggWeights, loadVgg, parseVggSpec, type VggModelData, type VggSpec, vggTensorShapes } from '../src/model/mod.ts';
import { Random } from '../src/random/mod.ts';
import { describeTally, type FuzzTarget, fuzzParser, fuzzRuns, mutated } from './support/fuzz_parser.ts';

const RUNS = fuzzRuns(150);

/** Small valid specs: 1 to 3 channels, a few convolutions and pools, 0 to 2 hidden layers, 1 to 4 labels. */
const specs = fc
  .record({
    channels: fc.integer({ min: 1, max: 3 }),
    side: fc.integer({ min: 2, max: 6 }),
    features: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
    pool: fc.boolean(),
    classifier: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
    labels: fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  })
  .map(({ channels, side, features, pool, classifier, labels }): VggSpec => ({
    format: 1,
    architecture: 'vgg',
    features: pool ? [...features.slice(0, 1), 'M', ...features.slice(1)] : features,
    classifier,
    input: { channels, height: 2 * side, width: 2 * side },
    normalize: { mean: Array(channels).fill(0.5), std: Array(channels).fill(0.25) },
    labels,
  }));

/** The spec's weights, with their true shapes, as saveVgg would write them. */
function weightsOf(spec: VggSpec, seed: number): Map<string, { shape: number[]; data: Float32Array }> {
  const data = initVggWeights(spec, new Random(seed >>> 0));
  return new Map([...vggTensorShapes(spec)].map(([name, shape]) => [name, { shape, data: data.get(name)! }]));
}

const validFiles = fc.tuple(specs, fc.integer()).map(([spec, seed]) => writeSafetensors(weightsOf(spec, seed), { deepinside: JSON.stringify(spec) }));

const KEYS = ['format', 'architecture', 'features', 'classifier', 'avgpool', 'input', 'normalize', 'labels'];
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(0, -1, 1.5, 2 ** 53, 1e308, 'M', [0], [2 ** 31], { channels: 0 }, { mean: [] }, [], null),
);

/** A valid model whose metadata lies in one field, lacks one, adds one, nests deep, repeats a key, or is not JSON. */
const lyingSpecs = fc
  .tuple(specs, fc.integer(), fc.constantFrom(...KEYS, 'input.channels', 'input.height', 'normalize.std', 'labels.0', 'extra'), anyJson, fc.constantFrom('replace', 'delete', 'deep', 'duplicate', 'cut', 'huge-labels', 'long-key'), fc.integer({ min: 1, max: 100_000 }))
  .map(([spec, seed, key, value, how, n]) => {
    const object = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
    const [outer, inner] = key.split('.');
    const holder = (inner === undefined ? object : (object[outer] as Record<string, unknown>)) ?? {};
    const field = inner ?? outer;
    let text: string | undefined;
    if (how === 'replace') holder[field] = value;
    if (how === 'delete') delete holder[field];
    if (how === 'deep') holder[field] = '__deep__'; // written as text below: JSON.stringify cannot nest that deep
    if (how === 'long-key') holder['k'.repeat(n)] = value;
    if (how === 'huge-labels') object.labels = Array.from({ length: Math.min(n, 20_000) }, (_, i) => `label ${i}`);
    if (how === 'duplicate') text = `{"format":1,${JSON.stringify(object).slice(1).replace('"format":1,', '')},"format":${JSON.stringify(value)}}`;
    if (how === 'cut') text = JSON.stringify(object).slice(0, n % 60);
    const weights = weightsOf(spec, seed);
    text ??= JSON.stringify(object).replace('"__deep__"', '['.repeat(n) + ']'.repeat(n));
    return writeSafetensors(weights, { deepinside: text });
  });

/** A valid model with NaN or infinite weights, or tensors missing, extra or of the wrong shape. */
const badWeights = fc
  .tuple(specs, fc.integer(), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity), fc.constantFrom('value', 'missing', 'extra', 'shape'))
  .map(([spec, seed, pick, value, how]) => {
    const weights = weightsOf(spec, seed);
    const names = [...weights.keys()];
    const name = names[pick % names.length];
    const tensor = weights.get(name)!;
    if (how === 'value') tensor.data[pick % tensor.data.length] = value;
    if (how === 'missing') weights.delete(name);
    if (how === 'extra') weights.set(`${name}.running_mean`, { shape: [1], data: new Float32Array(1) });
    if (how === 'shape') weights.set(name, { shape: [tensor.data.length], data: tensor.data });
    return writeSafetensors(weights, { deepinside: JSON.stringify(spec) });
  });

const target: FuzzTarget<VggModelData> = {
  format: 'vgg model',
  file: 'fuzz-model.safetensors',
  parse: (bytes, name) => loadVgg(bytes, { name }),
  valid: validFiles,
  hostile: [lyingSpecs, badWeights, mutated(validFiles)],
  checkLoaded(model) {
    for (const [name, data] of model.weights) {
      for (const x of data) assert.ok(Number.isFinite(x), `a loaded model has only finite weights (${name})`);
    }
  },
};

test(`vgg model files: valid ones load, and ${RUNS} cases each of lying metadata, bad weights and mutated files load or throw FormatError naming the file`, () => {
  const tally = fuzzParser(target, RUNS);
  if (process.env.DEEPINSIDE_FUZZ_REPORT) console.log(describeTally('vgg model', tally));
  assert.ok(tally.refused > RUNS);
});

test(`parseVggSpec: ${RUNS * 4} arbitrary JSON values give a spec or a TypeError/RangeError/SyntaxError starting "vgg spec: ", in one short line`, () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.jsonValue(),
        fc.anything(),
        fc.string(),
        specs,
        fc.tuple(specs, fc.string()).map(([s, t]) => JSON.stringify(s).slice(0, t.length)),
        fc.tuple(specs, fc.integer({ min: 1, max: 50_000 }), fc.constantFrom('format', 'features', 'labels', 'input')).map(([s, depth, key]) =>
          JSON.stringify({ ...s, [key]: '__deep__' }).replace('"__deep__"', '['.repeat(depth) + ']'.repeat(depth)),
        ),
      ),
      (value) => {
      try {
        parseVggSpec(value);
      } catch (error) {
        assert.ok(error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError, String(error));
        assert.match((error as Error).message, /^vgg spec: [^\n]{1,300}$/);
      }
    }),
    { seed: 18, numRuns: RUNS * 4 },
  );
});

test.run();
