import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maxPool2dBackward, maxPool2dForward } from '../src/reference/mod.ts';
import { type MaxPool2dShape, maxPool2dOutputSize } from '../src/shapes/mod.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

const random = testRandom('reference_max_pool2d');

test('max_pool2d takes the first of tied maxima in window order and drops the odd column', () => {
  const s: MaxPool2dShape = { n: 1, c: 2, h: 2, w: 3 };
  // Channel 0 ties 5 at (0,0) and (1,0), and its dropped third column holds the largest value, 9.
  // Channel 1 ties 7 at (0,1) and (1,0).
  const x = [5, 1, 9, 5, 2, 9, 1, 7, 0, 7, 3, 0];
  const { y, switches } = maxPool2dForward(s, x);
  assert.equal(Array.from(y), [5, 7]);
  // Switches index the whole x, so channel 1's (0,1) is 6 + 1.
  assert.equal(Array.from(switches), [0, 7]);
  assert.equal(Array.from(maxPool2dBackward(s, [2, -3], switches)), [2, 0, 0, 0, 0, 0, 0, -3, 0, 0, 0, 0]);
});

test('max_pool2d of all-equal windows takes each top-left element', () => {
  const s: MaxPool2dShape = { n: 2, c: 1, h: 2, w: 4 };
  const { switches } = maxPool2dForward(s, new Float64Array(16));
  assert.equal(Array.from(switches), [0, 2, 8, 10]);
});

test('max_pool2d handles negative values', () => {
  const s: MaxPool2dShape = { n: 1, c: 1, h: 2, w: 2 };
  const { y, switches } = maxPool2dForward(s, [-4, -3, -2, -5]);
  assert.equal(Array.from(y), [-2]);
  assert.equal(Array.from(switches), [2]);
});

test('a 3×3/2 max-pool with padding 1 takes the maxima of overlapping windows and adds their gradients', () => {
  // 3×3 input, windows over padded rows and columns −1…1 and 1…3: four windows, all holding the centre.
  const s: MaxPool2dShape = { n: 1, c: 1, h: 3, w: 3, size: 3, stride: 2, pads: [1, 1, 1, 1] };
  assert.equal(maxPool2dOutputSize(s), [2, 2]);
  const x = [1, 2, 3, 4, 9, 5, 6, 7, 8];
  const { y, switches } = maxPool2dForward(s, x);
  assert.equal(Array.from(y), [9, 9, 9, 9]);
  assert.equal(Array.from(switches), [4, 4, 4, 4]);
  assert.equal(Array.from(maxPool2dBackward(s, [1, 2, 3, 4], switches)), [0, 0, 0, 0, 10, 0, 0, 0, 0]);
});

test('a padded max-pool never takes the padding, even where every element is negative', () => {
  const s: MaxPool2dShape = { n: 1, c: 1, h: 2, w: 2, size: 2, stride: 1, pads: [1, 1, 0, 0] };
  const { y, switches } = maxPool2dForward(s, [-4, -3, -2, -5]);
  assert.equal(Array.from(y), [-4, -3, -2, -2]);
  assert.equal(Array.from(switches), [0, 1, 2, 2]);
});

const shapes: readonly MaxPool2dShape[] = [
  { n: 2, c: 2, h: 7, w: 6, size: 3, stride: 2, pads: [1, 1, 1, 1] },
  { n: 1, c: 1, h: 5, w: 5, size: 3, stride: 1, pads: [0, 2, 1, 0] },
  { n: 1, c: 2, h: 8, w: 7, size: 3, stride: 3, pads: [2, 0, 0, 1] },
  { n: 2, c: 3, h: 5, w: 7 },
  { n: 1, c: 1, h: 4, w: 4 },
  { n: 2, c: 1, h: 3, w: 2 },
  { n: 1, c: 3, h: 6, w: 9 },
];

for (const s of shapes) {
  const label = `n ${s.n}, c ${s.c}, ${s.h}×${s.w}${s.size ? `, ${s.size}×${s.size}/${s.stride} pads ${s.pads?.join(' ')}` : ''}`;
  test(`max_pool2d backward agrees with finite differences for ${label}`, () => {
    const [oh, ow] = maxPool2dOutputSize(s);
    const size = s.n * s.c * s.h * s.w;
    // Distinct values 0.1 apart, shuffled, so that no finite-difference step changes a window's winner.
    const x = Float64Array.from(random.shuffle(Array.from({ length: size }, (_, i) => 0.1 * (i - size / 2))));
    const dy = Float64Array.from({ length: s.n * s.c * oh * ow }, () => random.uniform(-1, 1));
    const { y, switches } = maxPool2dForward(s, x);
    for (let o = 0; o < y.length; o++) assert.is(y[o], x[switches[o]]);
    const numeric = finiteDifference(() => dot(maxPool2dForward(s, x).y, dy), x);
    assertGradient(`dx of ${label}`, maxPool2dBackward(s, dy, switches), numeric, random);
  });
}

test('max_pool2d backward rejects a switch outside x', () => {
  const s: MaxPool2dShape = { n: 1, c: 1, h: 2, w: 2 };
  assert.throws(() => maxPool2dBackward(s, [1], [4]), isRangeError);
});

test.run();
