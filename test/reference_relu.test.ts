import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reluBackward, reluForward } from '../src/reference/mod.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

const random = testRandom('reference_relu');
const values = (length: number) => Float64Array.from({ length }, () => random.uniform(-1, 1));
/** Values at least 0.1 from zero, so that a finite-difference step never crosses the kink. */
const awayFromZero = (length: number) =>
  Float64Array.from({ length }, () => (random.uniform() < 0.5 ? -1 : 1) * random.uniform(0.1, 1));

const x = [-1, 2, 3, -4, 0];
const dy = [5, -6, 7, 8, 9];

test('relu forward clamps negatives and zero to zero', () => {
  assert.equal(Array.from(reluForward(x)), [0, 2, 3, 0, 0]);
});

test('relu backward by the gradient rule passes dy where the input was positive', () => {
  assert.equal(Array.from(reluBackward(x, dy, 'gradient')), [0, -6, 7, 0, 0]);
});

test('relu backward by the deconvnet rule passes dy where dy is positive, whatever the input', () => {
  assert.equal(Array.from(reluBackward(x, dy, 'deconvnet')), [5, 0, 7, 8, 9]);
});

test('relu backward by the guided rule passes dy only where both the input and dy are positive', () => {
  assert.equal(Array.from(reluBackward(x, dy, 'guided')), [0, 0, 7, 0, 0]);
});

test('relu backward by the deconvnet rule does not depend on the input', () => {
  const g = values(50);
  assert.equal(reluBackward(values(50), g, 'deconvnet'), reluBackward(values(50), g, 'deconvnet'));
});

test('relu backward by the guided rule is the gradient rule applied to the deconvnet rule', () => {
  const input = values(60);
  const g = values(60);
  assert.equal(reluBackward(input, g, 'guided'), reluBackward(input, reluBackward(input, g, 'deconvnet'), 'gradient'));
});

test('relu backward by the gradient rule agrees with finite differences', () => {
  const input = awayFromZero(2 * 3 * 5 * 7);
  const g = values(input.length);
  const numeric = finiteDifference(() => dot(reluForward(input), g), input);
  assertGradient('dx', reluBackward(input, g, 'gradient'), numeric, random);
});

test('relu backward rejects a dy of another length', () => {
  assert.throws(() => reluBackward([1, 2, 3], [1, 2], 'gradient'), isRangeError);
});

test.run();
