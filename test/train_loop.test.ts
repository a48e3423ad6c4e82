import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ImageDataset, makeBatch, takeItems } from '../src/data/mod.ts';
import { loadVgg, saveVgg, vggGraph, vggLayers } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { Random } from '../src/random/mod.ts';
import { referenceVggForward } from '../src/reference/mod.ts';
import {
  DATASET_ARCHITECTURES,
  evaluate,
  initTrainingWeights,
  learningRateAt,
  readVggWeights,
  train,
  vggSpecForDataset,
} from '../src/train/mod.ts';
import { fashionMnist } from './support/fashion_mnist.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('train_loop');
const TINY = { features: [4, 'M', 8, 'M'], classifier: [16] } as const;

async function trainTiny(data: ImageDataset, seed: number, epochs: number) {
  const spec = vggSpecForDataset(data, TINY);
  const model = GraphModel.create(gpu, vggGraph({ spec, weights: initTrainingWeights(spec, new Random(seed)) }));
  const progress: number[] = [];
  const summaries = await train(model, data, {
    epochs, batchSize: 32, optimizer: 'adam', learningRate: 3e-3, seed, augment: { flip: true, shift: 1 },
    onProgress: (p) => progress.push(p.batch),
  });
  return { model, summaries, progress };
}

test('training a tiny VGG on 256 Fashion-MNIST items lowers its loss epoch after epoch', async () => {
  const data = takeItems(fashionMnist('train'), 256);
  const { model, summaries, progress } = await trainTiny(data, random.int(1000), 4);
  assert.is(summaries.length, 4);
  assert.is(progress.length, 4 * 8);
  const losses = summaries.map((s) => s.loss);
  // The first loss is near log 10: the last layer starts small.
  assert.ok(losses[0] < 2.6, `first epoch's loss ${losses[0]} (seed ${random.seed})`);
  // Every epoch lower than the one before, and the fourth well below the first. Over 13 seeds the fourth
  // was 0.53 to 0.79 of the first (a start near log 10 sometimes stays flat for an epoch): 0.75 failed.
  const shown = `losses ${losses.map((l) => l.toFixed(3)).join(', ')} (seed ${random.seed})`;
  for (let e = 1; e < 4; e++) assert.ok(losses[e] < losses[e - 1], shown);
  assert.ok(losses[3] < 0.85 * losses[0], shown);
  assert.ok(summaries[3].accuracy > summaries[0].accuracy, 'accuracy rises');
  model.destroy();
});

test('the same seed trains to the same weights', async () => {
  const data = takeItems(fashionMnist('train'), 64);
  const seed = random.int(1000);
  const [a, b] = [await trainTiny(data, seed, 1), await trainTiny(data, seed, 1)];
  for (const p of a.model.parameters) {
    assert.equal(await gpu.read(p.value), await gpu.read(b.model.parameter(p.name).value), `${p.name} (seed ${seed})`);
  }
  a.model.destroy();
  b.model.destroy();
});

test('evaluate counts every item once: its confusion matrix matches the float64 model and sums to the count', async () => {
  const data = takeItems(fashionMnist('test'), 45);
  const spec = vggSpecForDataset(data, TINY);
  const weights = initTrainingWeights(spec, random);
  const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
  const done: number[] = [];
  // A batch size that does not divide the count.
  const result = await evaluate(model, data, { batchSize: 20, onProgress: (d) => done.push(d) });
  assert.equal(done, [20, 40, 45]);
  const batch = makeBatch(data, Array.from({ length: 45 }, (_, i) => i), spec.normalize);
  const logits = referenceVggForward(spec, weights, batch.input, 45).logits;
  const expected = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (let b = 0; b < 45; b++) {
    const row = Array.from(logits.subarray(b * 10, (b + 1) * 10));
    expected[batch.labels[b]][row.indexOf(Math.max(...row))]++;
  }
  assert.equal(result.confusion, expected);
  assert.is(result.confusion.flat().reduce((a, b) => a + b, 0), 45);
  assert.is(result.correct, expected.reduce((sum, row, i) => sum + row[i], 0));
  assert.is(result.accuracy, result.correct / 45);
  assert.ok(result.loss > 0 && Number.isFinite(result.loss));
  model.destroy();
});

test('a trained model reads back, saves and loads with its dataset\'s labels and normalisation', async () => {
  const data = takeItems(fashionMnist('train'), 32);
  const { model } = await trainTiny(data, 3, 1);
  const saved = loadVgg(saveVgg(await readVggWeights(model, vggSpecForDataset(data, TINY))));
  assert.equal(saved.spec.labels, data.classes);
  assert.equal(saved.spec.normalize, { mean: [0.286], std: [0.353] });
  for (const p of model.parameters) assert.equal(saved.weights.get(p.name), await gpu.read(p.value));
  model.destroy();
});

test('the datasets\' architectures fit their inputs, and their model files stay under 10 MB', () => {
  for (const [input, architecture] of [
    [{ channels: 1, height: 28, width: 28 }, DATASET_ARCHITECTURES['fashion-mnist']],
    [{ channels: 3, height: 64, width: 64 }, DATASET_ARCHITECTURES.cluttered],
  ] as const) {
    const data = { ...takeItems(fashionMnist('test'), 1), input, normalize: { mean: new Array(input.channels).fill(0.5), std: new Array(input.channels).fill(0.25) } };
    const spec = vggSpecForDataset(data, architecture);
    const weights = initTrainingWeights(spec, new Random(1));
    const bytes = [...weights.values()].reduce((sum, w) => sum + 4 * w.length, 0);
    assert.ok(bytes < 10e6, `${bytes} bytes`);
    assert.ok(vggLayers(spec).length > 0);
  }
});

test('learningRateAt holds the rate or anneals it along a half cosine to 0', () => {
  assert.is(learningRateAt('constant', 0.1, 50, 100), 0.1);
  assert.is(learningRateAt('cosine', 0.1, 0, 100), 0.1);
  assert.ok(Math.abs(learningRateAt('cosine', 0.1, 50, 100) - 0.05) < 1e-12);
  assert.ok(Math.abs(learningRateAt('cosine', 0.1, 100, 100)) < 1e-12);
  assertThrowsWith(() => learningRateAt('step' as 'constant', 0.1, 0, 1), RangeError, /"step" is unknown; known: constant, cosine/);
});

test('train refuses a dataset the model does not take, and options out of range', async () => {
  const data = takeItems(fashionMnist('test'), 8);
  const spec = vggSpecForDataset({ ...data, input: { channels: 1, height: 20, width: 20 } }, TINY);
  const model = GraphModel.create(gpu, vggGraph({ spec, weights: initTrainingWeights(spec, new Random(1)) }));
  const options = { epochs: 1, batchSize: 4, optimizer: 'adam', learningRate: 1e-3, seed: 1 } as const;
  for (const [d, o, pattern] of [
    [data, options, /takes 1×20×20 images but fashion-mnist test \(first 8\) has 1×28×28/],
    [{ ...data, input: spec.input, classes: ['a', 'b'] }, options, /the model has 10 classes but .* has 2/],
    [{ ...data, input: spec.input }, { ...options, epochs: 0 }, /epochs 0 must be a positive integer/],
    [{ ...data, input: spec.input }, { ...options, learningRate: 0 }, /learning rate 0 must be/],
  ] as const) {
    try {
      await train(model, d as ImageDataset, o);
      assert.unreachable(`accepted ${pattern}`);
    } catch (error) {
      assert.instance(error, RangeError);
      assert.match((error as Error).message, pattern);
    }
  }
  model.destroy();
});

test.run();
