import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linearBackwardInput, linearBackwardWeight, linearForward } from '../src/reference/mod.ts';
import type { LinearShape } from '../src/shapes/mod.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

const random = testRandom('reference_linear');
const values = (length: number) => Float64Array.from({ length }, () => random.uniform(-1, 1));

test('linear 2 → 3 forward and backward match the answer on paper', () => {
  const s: LinearShape = { n: 1, inFeatures: 2, outFeatures: 3 };
  const weight = [1, 0, 0, 1, 1, -1]; // rows are outputs, as PyTorch
  assert.equal(Array.from(linearForward(s, [1, 2], weight, [0.5, 0, -1])), [1.5, 2, -2]);
  assert.equal(Array.from(linearBackwardInput(s, [1, 2, 3], weight)), [4, -1]);
  const { dWeight, dBias } = linearBackwardWeight(s, [1, 2], [1, 2, 3]);
  assert.equal(Array.from(dWeight), [1, 2, 2, 4, 3, 6]);
  assert.equal(Array.from(dBias), [1, 2, 3]);
});

test('linear backward sums the weight gradient over the batch', () => {
  const s: LinearShape = { n: 2, inFeatures: 1, outFeatures: 1 };
  const { dWeight, dBias } = linearBackwardWeight(s, [2, 3], [10, 100]);
  assert.equal(Array.from(dWeight), [320]);
  assert.equal(Array.from(dBias), [110]);
});

test('linear rejects a weight of the wrong size', () => {
  const s: LinearShape = { n: 1, inFeatures: 2, outFeatures: 3 };
  assert.throws(() => linearForward(s, [1, 2], [1, 2, 3, 4], [0, 0, 0]), isRangeError);
});

const shapes: readonly LinearShape[] = [
  { n: 2, inFeatures: 5, outFeatures: 3 },
  { n: 1, inFeatures: 1, outFeatures: 4 },
  { n: 3, inFeatures: 7, outFeatures: 1 },
  { n: 2, inFeatures: 30, outFeatures: 11 },
];

for (const s of shapes) {
  const label = `n ${s.n}, ${s.inFeatures} → ${s.outFeatures}`;
  test(`linear backward agrees with finite differences for ${label}`, () => {
    const x = values(s.n * s.inFeatures);
    const weight = values(s.outFeatures * s.inFeatures);
    const bias = values(s.outFeatures);
    const dy = values(s.n * s.outFeatures);
    const loss = () => dot(linearForward(s, x, weight, bias), dy);
    const { dWeight, dBias } = linearBackwardWeight(s, x, dy);
    assertGradient(`dx of ${label}`, linearBackwardInput(s, dy, weight), finiteDifference(loss, x), random);
    assertGradient(`dWeight of ${label}`, dWeight, finiteDifference(loss, weight), random);
    assertGradient(`dBias of ${label}`, dBias, finiteDifference(loss, bias), random);
  });
}

test.run();
