import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { avgPool2dBackward, avgPool2dForward } from '../src/reference/mod.ts';
import { type AvgPool2dShape, avgPool2dOutputSize } from '../src/shapes/mod.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('reference_avg_pool2d');
const values = (length: number) => Float64Array.from({ length }, () => random.uniform(-1, 1));

test('avg_pool2d 3×3/2 pad 1 divides by 9 or by the elements inside, by hand', () => {
  const base = { n: 1, c: 1, h: 3, w: 3, size: 3, stride: 2, pads: [1, 1, 1, 1] as const };
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  // Window (0, 0) holds x's top-left 2×2: 1 + 2 + 4 + 5 = 12 over 4 elements, or over 9 with the padding.
  assert.equal(Array.from(avgPool2dForward({ ...base, countIncludePad: false }, x)), [3, 4, 6, 7]);
  assert.equal(Array.from(avgPool2dForward({ ...base, countIncludePad: true }, x)), [12 / 9, 16 / 9, 24 / 9, 28 / 9]);
  // The centre is in all four windows: 4·(1/4) = 1; a corner in one: 1/4.
  assert.equal(Array.from(avgPool2dBackward({ ...base, countIncludePad: false }, [1, 1, 1, 1])), [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
});

const shapes: readonly AvgPool2dShape[] = [
  { n: 2, c: 2, h: 7, w: 6, size: 3, stride: 2, pads: [1, 1, 1, 1], countIncludePad: false },
  { n: 2, c: 2, h: 7, w: 6, size: 3, stride: 2, pads: [1, 1, 1, 1], countIncludePad: true },
  { n: 1, c: 3, h: 8, w: 7, size: 2, stride: 3, pads: [0, 1, 1, 0], countIncludePad: false },
  { n: 1, c: 1, h: 5, w: 5, size: 5, stride: 1, pads: [0, 0, 0, 0], countIncludePad: false },
];

for (const s of shapes) {
  const label = `n ${s.n}, c ${s.c}, ${s.h}×${s.w}, ${s.size}×${s.size}/${s.stride}, pads ${s.pads.join(' ')}${s.countIncludePad ? ', counting padding' : ''}`;
  test(`avg_pool2d backward agrees with finite differences for ${label}`, () => {
    const [oh, ow] = avgPool2dOutputSize(s);
    const x = values(s.n * s.c * s.h * s.w);
    const dy = values(s.n * s.c * oh * ow);
    const numeric = finiteDifference(() => dot(avgPool2dForward(s, x), dy), x);
    assertGradient(`dx of ${label}`, avgPool2dBackward(s, dy), numeric, random);
  });
}

test('avg_pool2d rejects a window that leaves no output', () => {
  const s: AvgPool2dShape = { n: 1, c: 1, h: 2, w: 2, size: 3, stride: 1, pads: [0, 0, 0, 0], countIncludePad: false };
  assert.throws(() => avgPool2dForward(s, values(4)), /avg_pool2d: a 3×3 window leaves no output of a 2×2 input/);
});

test.run();
