import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Batch } from '../src/data/mod.ts';
import { initVggWeights, vggGraph } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { adamStep, referenceVggBackward, referenceVggForward, relativeError, sgdMomentumStep, softmaxCrossEntropy } from '../src/reference/mod.ts';
import { Trainer } from '../src/train/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';
import { vggSpecForTest } from './support/vgg_spec_for_test.ts';

const random = testRandom('train_step');

// Odd sizes, two pools, a hidden layer and five classes, batch 6.
const spec = vggSpecForTest({ channels: 2, height: 9, width: 11 }, [4, 'M', 6, 'M'], [12], 5);
const N = 6;

function randomBatch(n = N): Batch {
  const size = spec.input.channels * spec.input.height * spec.input.width;
  return {
    n,
    input: random.uniformArray(n * size),
    labels: Uint32Array.from({ length: n }, () => random.int(spec.labels.length)),
    indices: Array.from({ length: n }, (_, i) => i),
  };
}

/** The float64 step's loss, its count of correct items and its gradients, from the given weights. */
function referenceStep(weights: ReadonlyMap<string, ArrayLike<number>>, batch: Batch) {
  const forward = referenceVggForward(spec, weights, batch.input, batch.n);
  const { loss, dLogits } = softmaxCrossEntropy(spec.labels.length, forward.logits, batch.labels);
  const classes = spec.labels.length;
  let correct = 0;
  for (let b = 0; b < batch.n; b++) {
    const row = Array.from(forward.logits.subarray(b * classes, (b + 1) * classes));
    if (row.indexOf(Math.max(...row)) === batch.labels[b]) correct++;
  }
  const { dWeights } = referenceVggBackward(spec, weights, forward, dLogits, 'gradient', true);
  return { loss, correct, dWeights: dWeights! };
}

test('a training step with Adam matches the float64 step: loss, accuracy, every gradient and every update', async () => {
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
  const trainer = new Trainer(model, { name: 'adam', weightDecay: 0.01 });
  const options = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };
  const moments = new Map(model.parameters.map((p) => [p.name, { m: new Float64Array(p.value.length), v: new Float64Array(p.value.length) }]));
  // Two steps, so that the second runs on the first's update and Adam's bias corrections change.
  for (let step = 1; step <= 2; step++) {
    const before = new Map<string, Float32Array>();
    for (const p of model.parameters) before.set(p.name, await gpu.read(p.value));
    const batch = randomBatch();
    const expected = referenceStep(before, batch);
    const result = await trainer.step(batch, options.learningRate);
    assert.is(result.n, N);
    assert.ok(relativeError([result.loss], [expected.loss]) < 1e-5, `loss ${result.loss} against ${expected.loss} (seed ${random.seed})`);
    assert.is(result.correct, expected.correct, `correct items (seed ${random.seed})`);
    for (const p of model.parameters) {
      const gradient = await gpu.read(p.gradient);
      assertClose(`step ${step} ∂${p.name}`, gradient, expected.dWeights.get(p.name)!, { random });
      // The update from the GPU's own gradient: an element whose gradient is near zero could flip the
      // sign of Adam's first update between float32 and float64, which says nothing of the step.
      const param = Float64Array.from(before.get(p.name)!);
      const state = moments.get(p.name)!;
      adamStep(param, gradient, state.m, state.v, step, options);
      const after = await gpu.read(p.value);
      const update = after.map((value, i) => value - before.get(p.name)![i]);
      // The GPU rounds each updated parameter to float32: half a unit in the last place of the largest.
      const ulp = Math.max(...before.get(p.name)!.map(Math.abs)) * 2 ** -23;
      assertClose(`step ${step} update of ${p.name}`, update, param.map((value, i) => value - before.get(p.name)![i]), { random, rel: 1e-4, atol: ulp });
    }
  }
  assert.is(trainer.optimizer.steps, 2);
  trainer.destroy();
  model.destroy();
});

test('a training step with SGD, momentum and weight decay matches the float64 step from the float64 gradients', async () => {
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
  const trainer = new Trainer(model, { name: 'sgd', momentum: 0.9, weightDecay: 5e-4 });
  const velocities = new Map(model.parameters.map((p) => [p.name, new Float64Array(p.value.length)]));
  for (let step = 1; step <= 2; step++) {
    const before = new Map<string, Float32Array>();
    for (const p of model.parameters) before.set(p.name, await gpu.read(p.value));
    // An odd last batch, as an epoch's last one may be.
    const batch = randomBatch(step === 1 ? N : 5);
    const expected = referenceStep(before, batch);
    const result = await trainer.step(batch, 0.1);
    assert.ok(relativeError([result.loss], [expected.loss]) < 1e-5, `loss (seed ${random.seed})`);
    for (const p of model.parameters) {
      const param = Float64Array.from(before.get(p.name)!);
      sgdMomentumStep(param, expected.dWeights.get(p.name)!, velocities.get(p.name)!, { learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 });
      const after = await gpu.read(p.value);
      const update = after.map((value, i) => value - before.get(p.name)![i]);
      assertClose(`step ${step} update of ${p.name}`, update, param.map((value, i) => value - before.get(p.name)![i]), { random, rel: 1e-4 });
    }
  }
  trainer.destroy();
  model.destroy();
});

test('with frozen conv layers a step leaves them bit for bit and trains the layers above as the float64 step does', async () => {
  // freeze 1: the second conv and the classifier train; freeze 2 (every conv): the classifier alone.
  for (const freeze of [1, 2]) {
    const weights = initVggWeights(spec, random, { bias: 0.1 });
    const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
    const trainer = new Trainer(model, { name: 'sgd', momentum: 0.9, freeze });
    const trained = model.parameters.slice(2 * freeze).map((p) => p.name);
    assert.equal(trainer.optimizer.parameters.map((p) => p.name), trained);
    // Poisoned, so that a gradient the step should have left alone and did not is seen.
    for (const p of model.parameters) gpu.write(p.gradient, new Float32Array(p.value.length).fill(Number.NaN));
    const before = new Map<string, Float32Array>();
    for (const p of model.parameters) before.set(p.name, await gpu.read(p.value));
    const batch = randomBatch();
    const expected = referenceStep(before, batch);
    const result = await trainer.step(batch, 0.1);
    assert.ok(relativeError([result.loss], [expected.loss]) < 1e-5, `loss (seed ${random.seed})`);
    for (const p of model.parameters) {
      const after = await gpu.read(p.value);
      if (!trained.includes(p.name)) {
        assert.equal(after, before.get(p.name), `freeze ${freeze}: ${p.name} moved`);
        assert.ok((await gpu.read(p.gradient)).every(Number.isNaN), `freeze ${freeze}: ∂${p.name} was computed`);
        continue;
      }
      assertClose(`freeze ${freeze} ∂${p.name}`, await gpu.read(p.gradient), expected.dWeights.get(p.name)!, { random });
      const param = Float64Array.from(before.get(p.name)!);
      sgdMomentumStep(param, expected.dWeights.get(p.name)!, new Float64Array(param.length), { learningRate: 0.1, momentum: 0.9, weightDecay: 0 });
      const update = after.map((value, i) => value - before.get(p.name)![i]);
      assertClose(`freeze ${freeze} update of ${p.name}`, update, param.map((value, i) => value - before.get(p.name)![i]), { random, rel: 1e-4 });
    }
    trainer.destroy();
    model.destroy();
  }
});

test('Trainer refuses a label out of range, an unknown optimiser, a freeze past the conv layers and a negative learning rate', async () => {
  const model = GraphModel.create(gpu, vggGraph({ spec, weights: initVggWeights(spec, random) }));
  assertThrowsWith(() => new Trainer(model, { name: 'adagrad' as 'adam' }), RangeError, /unknown optimizer "adagrad"; known: adam, sgd/);
  assertThrowsWith(() => new Trainer(model, { name: 'adam', freeze: 3 }), RangeError, /freeze 3 must be a whole number from 0 to 2 \(the model's conv layers\)/);
  assertThrowsWith(() => new Trainer(model, { name: 'adam', freeze: 0.5 }), RangeError, /freeze 0\.5 must be a whole number/);
  const trainer = new Trainer(model, { name: 'adam' });
  const batch = randomBatch();
  batch.labels[3] = 5;
  try {
    await trainer.step(batch, 1e-3);
    assert.unreachable('a label of 5 among 5 classes was accepted');
  } catch (error) {
    assert.instance(error, RangeError);
    assert.match((error as Error).message, /label 5 of item 3 is outside \[0, 5\)/);
  }
  try {
    await trainer.step(randomBatch(), -1);
    assert.unreachable('a negative learning rate was accepted');
  } catch (error) {
    assert.match((error as Error).message, /learning rate -1 must be a finite number ≥ 0/);
  }
  trainer.destroy();
  model.destroy();
});

test.run();
