import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classModel, classModels, jitterShifts, meanImagePrior } from '../src/attribution/mod.ts';
import { initVggWeights, vggGraph, type VggSpec } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { type ReferencePriors, wellPosedClassModels } from './support/reference_class_model.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC } from './support/test_models.ts';

const random = testRandom('attribution_class_model');

for (const [name, spec] of [['a colour model', COLOUR_SPEC], ['a grey model', GREY_SPEC]] as const) {
  test(`classModel follows the float64 ascent from the zero image step by step, image and scores, for ${name}`, async () => {
    const [steps, learningRate, l2] = [5, 0.5, 0.05];
    const { weights, classes: [c], references: [reference] } = wellPosedClassModels(spec, random, 1, steps, learningRate, l2);
    const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
    const reported: number[] = [];
    const result = await classModel(model, c, { steps, learningRate, l2, onStep: (step, score) => void reported.push(step, score) });
    assertClose(`class model ${c}`, result.input, reference.image, { random });
    assertClose('scores', result.scores, reference.scores, { random });
    assert.equal(reported.filter((_, i) => i % 2 === 0), [0, 1, 2, 3, 4, 5]);
    assert.equal(reported.filter((_, i) => i % 2 === 1), Array.from(result.scores));
    model.destroy();
  });
}

test('classModels runs every class of a grey model as one batch, each following its own float64 ascent', async () => {
  const [steps, learningRate, l2] = [4, 0.5, 0.05];
  const { weights, classes, references } = wellPosedClassModels(GREY_SPEC, random, 'all', steps, learningRate, l2);
  const model = GraphModel.create(gpu, vggGraph({ spec: GREY_SPEC, weights }));
  const reported: number[][] = [];
  // In reverse, so that a row cannot pass by being its class's index.
  const order = [...classes].reverse();
  const results = await classModels(model, order, { steps, learningRate, l2, onStep: (step, scores) => void reported.push([step, ...scores]) });
  order.forEach((c, i) => {
    const reference = references[classes.indexOf(c)];
    assertClose(`class model ${c}`, results[i].input, reference.image, { random });
    assertClose(`scores of ${c}`, results[i].scores, reference.scores, { random });
  });
  assert.equal(reported.map(([step]) => step), [0, 1, 2, 3, 4]);
  assert.equal(reported.map((row) => row.slice(1)), Array.from({ length: steps + 1 }, (_, step) => results.map(({ scores }) => scores[step])));
  model.destroy();
});

/**
 * Runs `classModels` with `priors` on one class whose float64 ascent with the same priors keeps clear of
 * every kink (over jittered steps a trajectory of every class rarely does), checks the image and the scores
 * against it, and returns the reference image.
 */
async function checkPriors(spec: VggSpec, priors: ReferencePriors): Promise<Float64Array> {
  const [steps, learningRate, l2] = [4, 0.5, 0.05];
  const { weights, classes: [c], references: [reference] } = wellPosedClassModels(spec, random, 1, steps, learningRate, l2, priors);
  const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
  const [result] = await classModels(model, [c], { steps, learningRate, l2, ...priors });
  model.destroy();
  assertClose(`class model ${c}`, result.input, reference.image, { random });
  assertClose(`scores of ${c}`, result.scores, reference.scores, { random });
  return reference.image;
}

for (const [name, spec] of [['a colour model', COLOUR_SPEC], ['a grey model', GREY_SPEC]] as const) {
  test(`classModels with jitter and blur follows the float64 ascent with the same shifts and blurs, for ${name}`, async () => {
    await checkPriors(spec, { jitter: 2, blur: 0.7, blurEvery: 2, seed: 7 });
  });

  test(`classModels with the mean-image prior (anchor, pixel range, blurred gradient, jitter) follows the float64 ascent, for ${name}`, async () => {
    const { channels, height, width } = spec.input;
    // A made-up mean image in [0.3, 0.7], and a range of [0.4, 0.6] in pixel terms: half of the start
    // lies outside it, so the clamp bites from the first step.
    const { anchor, bounds } = meanImagePrior(spec, random.uniformArray(channels * height * width, 0.3, 0.7));
    const narrow = { lower: bounds.lower.map((v, k) => v + 0.4 * (bounds.upper[k] - v)), upper: bounds.upper.map((v, k) => v - 0.4 * (v - bounds.lower[k])) };
    const image = await checkPriors(spec, { jitter: 1, blur: 0, blurEvery: 4, seed: 3, gradientBlur: 0.8, anchor, bounds: narrow });
    const plane = height * width;
    const atBound = image.filter((v, j) => v === narrow.lower[Math.floor(j / plane)] || v === narrow.upper[Math.floor(j / plane)]).length;
    assert.ok(atBound > 0, 'no pixel reached the range: the clamp went unchecked');
  });
}

test('meanImagePrior normalises the mean image and the pixel range as the spec does, and refuses a mean image of another size', () => {
  const spec = COLOUR_SPEC;
  const { channels, height, width } = spec.input;
  const mean = random.uniformArray(channels * height * width, 0, 1);
  const { anchor, bounds } = meanImagePrior(spec, mean);
  const { mean: m, std } = spec.normalize;
  const plane = height * width;
  assertClose('anchor', anchor, Array.from(mean, (p, i) => (p - m[Math.floor(i / plane)]) / std[Math.floor(i / plane)]), { random });
  assertClose('lower', bounds.lower, m.map((v, c) => -v / std[c]), { random });
  assertClose('upper', bounds.upper, m.map((v, c) => (1 - v) / std[c]), { random });
  assert.throws(() => meanImagePrior(spec, mean.subarray(1)), /the mean image has \d+ values but the model's input is 3×/);
});

test('the jitter shifts are seeded, within ±jitter, and reach both extremes; none without jitter', () => {
  const shifts = jitterShifts(400, 2, 3);
  assert.equal(shifts, jitterShifts(400, 2, 3));
  assert.not.equal(shifts, jitterShifts(400, 2, 4));
  const values = new Set(shifts.flat());
  assert.equal([...values].sort(), [-1, -2, 0, 1, 2].sort());
  assert.ok(jitterShifts(5, 0, 3).every(([dy, dx]) => dy === 0 && dx === 0));
});

test('classModel climbs: with the defaults the score rises well above its start', async () => {
  // Positive biases keep every ReLU open at the zero image, so that the score has a gradient to climb
  // (with biases of both signs a random net can be dead there, and then the ascent rightly stays put).
  const weights = initVggWeights(COLOUR_SPEC, random, { bias: 0.1 });
  for (const [name, values] of weights) if (name.endsWith('.bias')) values.forEach((v, i) => (values[i] = Math.abs(v)));
  const model = GraphModel.create(gpu, vggGraph({ spec: COLOUR_SPEC, weights }));
  const { scores } = await classModel(model, 2, { steps: 40 });
  assert.ok(scores[40] > scores[0] + 1, `S_c ${scores[0]} → ${scores[40]}`);
  model.destroy();
});

test('classModel refuses a class out of range, a negative step count, a learning rate ≤ 0, a negative λ, bad priors, anchors and bounds', async () => {
  const model = GraphModel.create(gpu, vggGraph({ spec: GREY_SPEC, weights: initVggWeights(GREY_SPEC, random) }));
  const messages: string[] = [];
  for (const run of [
    () => classModel(model, 3),
    () => classModel(model, 0, { steps: -1 }),
    () => classModel(model, 0, { learningRate: 0 }),
    () => classModel(model, 0, { l2: -1 }),
    () => classModels(model, []),
    () => classModel(model, 0, { jitter: 1.5 }),
    () => classModel(model, 0, { blur: -1 }),
    () => classModel(model, 0, { blur: 0.5, blurEvery: 0 }),
    () => classModel(model, 0, { gradientBlur: 9 }),
    () => classModel(model, 0, { anchor: new Float32Array(model.inputSize + 1) }),
    () => classModel(model, 0, { bounds: { lower: [0, 0], upper: [1, 1] } }),
    () => classModel(model, 0, { bounds: { lower: [1], upper: [0] } }),
  ]) {
    try {
      await run();
      messages.push('no error');
    } catch (error) {
      assert.instance(error, RangeError);
      messages.push((error as Error).message);
    }
  }
  assert.match(messages[0], /class 3 is outside \[0, 2\]/);
  assert.match(messages[1], /steps must be a whole number ≥ 0, got -1/);
  assert.match(messages[2], /learning rate must be positive and finite, got 0/);
  assert.match(messages[3], /λ must be ≥ 0 and finite, got -1/);
  assert.match(messages[4], /classModels: no class given/);
  assert.match(messages[5], /the jitter must be a whole number of pixels ≥ 0, got 1.5/);
  assert.match(messages[6], /the blur's σ must be 0 \(none\) or in \(0, 8\] pixels, got -1/);
  assert.match(messages[7], /blurEvery must be a whole number ≥ 1, got 0/);
  assert.match(messages[8], /the gradient blur's σ must be 0 \(none\) or in \(0, 8\] pixels, got 9/);
  assert.match(messages[9], new RegExp(`the anchor has ${model.inputSize + 1} values but the model's input is 1×`));
  assert.match(messages[10], /the bounds give 2 lower and 2 upper values for 1 channel\(s\)/);
  assert.match(messages[11], /channel 0's bounds \[1, 0\] are empty or not numbers/);
  model.destroy();
});

test.run();
