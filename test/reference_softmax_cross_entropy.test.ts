import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { softmaxCrossEntropy } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { assertGradient, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

const random = testRandom('reference_softmax_cross_entropy');
const exact = { atol: 1e-15, rtol: 1e-14, rel: 1e-14 };

test('softmax_cross_entropy of equal logits is log 2 with halves, on paper', () => {
  const { loss, probabilities, dLogits } = softmaxCrossEntropy(2, [0, 0, 3, 3], [0, 1]);
  assertClose('loss', [loss], [Math.log(2)], exact);
  assertClose('probabilities', probabilities, [0.5, 0.5, 0.5, 0.5], exact);
  // (softmax − onehot) / n with n = 2.
  assertClose('dLogits', dLogits, [-0.25, 0.25, 0.25, -0.25], exact);
});

test('softmax_cross_entropy stays finite for logits far beyond exp’s range', () => {
  const { loss, probabilities, dLogits } = softmaxCrossEntropy(2, [1000, 0, -1000, 0], [0, 0]);
  // Image 0 is certain and right (loss 0); image 1 is certain and wrong by 1000.
  assertClose('loss', [loss], [500], exact);
  assertClose('probabilities', probabilities, [1, 0, 0, 1], exact);
  assertClose('dLogits', dLogits, [0, 0, -0.5, 0.5], exact);
});

test('softmax_cross_entropy probabilities sum to one for each image', () => {
  const logits = Float64Array.from({ length: 3 * 5 }, () => random.uniform(-4, 4));
  const { probabilities } = softmaxCrossEntropy(5, logits, [0, 4, 2]);
  for (let b = 0; b < 3; b++) {
    let sum = 0;
    for (let k = 0; k < 5; k++) sum += probabilities[b * 5 + k];
    assertClose(`sum of row ${b}`, [sum], [1], exact);
  }
});

test('softmax_cross_entropy dLogits agrees with finite differences of the loss', () => {
  const classes = 4;
  const labels = [3, 0, 1];
  const logits = Float64Array.from({ length: labels.length * classes }, () => random.uniform(-3, 3));
  const { dLogits } = softmaxCrossEntropy(classes, logits, labels);
  const numeric = finiteDifference(() => softmaxCrossEntropy(classes, logits, labels).loss, logits);
  assertGradient('dLogits', dLogits, numeric, random);
});

test('softmax_cross_entropy rejects labels outside the classes or not integers', () => {
  for (const label of [4, -1, 1.5, Number.NaN]) {
    assert.throws(() => softmaxCrossEntropy(4, [0, 0, 0, 0], [label]), isRangeError);
  }
  assert.throws(() => softmaxCrossEntropy(4, [0, 0, 0], [1]), isRangeError);
});

test.run();
