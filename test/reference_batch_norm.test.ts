import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { batchNormBackward, batchNormForward } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('reference_batch_norm');
const values = (length: number) => Float64Array.from({ length }, () => random.uniform(-1, 1));

test('batch_norm scales and shifts each channel, by hand', () => {
  // 2 images, 2 channels of 1×2: channel 0 ×2 + 1, channel 1 ×(−1) + 0.5.
  const s: ImageShape = { n: 2, c: 2, h: 1, w: 2 };
  const y = batchNormForward(s, [1, 2, 3, 4, 5, 6, 7, 8], [2, -1], [1, 0.5]);
  assert.equal(Array.from(y), [3, 5, -2.5, -3.5, 11, 13, -6.5, -7.5]);
  assert.equal(Array.from(batchNormBackward(s, [1, 1, 1, 1, 2, 2, 2, 2], [2, -1])), [2, 2, -1, -1, 4, 4, -2, -2]);
});

for (const s of [{ n: 2, c: 3, h: 3, w: 5 }, { n: 1, c: 1, h: 1, w: 1 }] as ImageShape[]) {
  test(`batch_norm backward agrees with finite differences for n ${s.n}, c ${s.c}, ${s.h}×${s.w}`, () => {
    const x = values(s.n * s.c * s.h * s.w);
    const scale = values(s.c);
    const shift = values(s.c);
    const dy = values(x.length);
    const numeric = finiteDifference(() => dot(batchNormForward(s, x, scale, shift), dy), x);
    assertGradient('dx', batchNormBackward(s, dy, scale), numeric, random);
  });
}

test('batch_norm rejects a scale of the wrong length', () => {
  assert.throws(() => batchNormForward({ n: 1, c: 2, h: 1, w: 1 }, [1, 2], [1], [0, 0]), /batch_norm: scale has 1 values but shape \(2\) needs 2/);
});

test.run();
