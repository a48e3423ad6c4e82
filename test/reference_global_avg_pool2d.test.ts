import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { globalAvgPool2dBackward, globalAvgPool2dForward } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('reference_global_avg_pool2d');
const values = (length: number) => Float64Array.from({ length }, () => random.uniform(-1, 1));

test('global_avg_pool2d of a 2×2 plane and a 1×1 plane matches the answer on paper', () => {
  assert.equal(Array.from(globalAvgPool2dForward({ n: 1, c: 2, h: 2, w: 2 }, [1, 2, 3, 6, -1, -1, -1, -1])), [3, -1]);
  assert.equal(Array.from(globalAvgPool2dBackward({ n: 1, c: 2, h: 2, w: 2 }, [4, -8])), [1, 1, 1, 1, -2, -2, -2, -2]);
  assert.equal(Array.from(globalAvgPool2dForward({ n: 2, c: 1, h: 1, w: 1 }, [5, 7])), [5, 7]);
});

for (const s of [{ n: 2, c: 3, h: 5, w: 7 }, { n: 1, c: 1, h: 1, w: 3 }, { n: 3, c: 2, h: 4, w: 1 }] as ImageShape[]) {
  test(`global_avg_pool2d backward agrees with finite differences for n ${s.n}, c ${s.c}, ${s.h}×${s.w}`, () => {
    const x = values(s.n * s.c * s.h * s.w);
    const dy = values(s.n * s.c);
    const numeric = finiteDifference(() => dot(globalAvgPool2dForward(s, x), dy), x);
    assertGradient('dx', globalAvgPool2dBackward(s, dy), numeric, random);
  });
}

test('global_avg_pool2d rejects an input of the wrong length', () => {
  assert.throws(() => globalAvgPool2dForward({ n: 1, c: 2, h: 2, w: 2 }, values(7)), /global_avg_pool2d: x has 7 values but shape \(1, 2, 2, 2\) needs 8/);
});

test.run();
