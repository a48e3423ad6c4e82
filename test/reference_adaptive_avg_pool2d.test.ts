import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from '../src/reference/mod.ts';
import type { AdaptiveAvgPool2dShape } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('reference_adaptive_avg_pool2d');
const values = (length: number) => Float64Array.from({ length }, () => random.uniform(-1, 1));

test('adaptive_avg_pool2d from 5×7 to 3×2 averages overlapping windows as on paper', () => {
  const s: AdaptiveAvgPool2dShape = { n: 1, c: 1, h: 5, w: 7, outH: 3, outW: 2 };
  // x[r, q] = 10r + q. Rows {0,1}, {1,2,3}, {3,4} and columns {0..3}, {3..6}: each mean is
  // 10·mean(rows) + mean(columns).
  const x = Array.from({ length: 35 }, (_, i) => 10 * Math.floor(i / 7) + (i % 7));
  const y = adaptiveAvgPool2dForward(s, x);
  assertClose('y', y, [6.5, 9.5, 21.5, 24.5, 36.5, 39.5], { atol: 1e-12, rtol: 0, rel: 1e-14 });
  // Row 1 and row 3 sit in two windows, column 3 in both: x[3, 3] takes from four outputs.
  const dx = adaptiveAvgPool2dBackward(s, [1, 2, 3, 4, 5, 6]);
  assertClose('dx[3, 3]', [dx[3 * 7 + 3]], [(3 + 4) / 12 + (5 + 6) / 8], { atol: 1e-12, rtol: 0, rel: 1e-14 });
  assertClose('dx[0, 0]', [dx[0]], [1 / 8], { atol: 1e-12, rtol: 0, rel: 1e-14 });
});

test('adaptive_avg_pool2d from 2×2 to 3×3 repeats inputs as torchvision does', () => {
  const s: AdaptiveAvgPool2dShape = { n: 1, c: 1, h: 2, w: 2, outH: 3, outW: 3 };
  // Windows [0,1), [0,2), [1,2) along each side.
  const y = adaptiveAvgPool2dForward(s, [1, 2, 3, 4]);
  assertClose('y', y, [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4], { atol: 1e-12, rtol: 0, rel: 1e-14 });
});

test('adaptive_avg_pool2d keeps channels and images apart', () => {
  const s: AdaptiveAvgPool2dShape = { n: 2, c: 2, h: 2, w: 2, outH: 1, outW: 1 };
  const y = adaptiveAvgPool2dForward(s, [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 8]);
  assert.equal(Array.from(y), [1, 2, 3, 5]);
});

const shapes: readonly AdaptiveAvgPool2dShape[] = [
  { n: 1, c: 1, h: 5, w: 7, outH: 3, outW: 2 },
  { n: 2, c: 3, h: 6, w: 4, outH: 3, outW: 2 },
  { n: 2, c: 1, h: 2, w: 3, outH: 3, outW: 4 },
  { n: 1, c: 3, h: 7, w: 5, outH: 7, outW: 5 },
];

for (const s of shapes) {
  const label = `n ${s.n}, c ${s.c}, ${s.h}×${s.w} to ${s.outH}×${s.outW}`;
  test(`adaptive_avg_pool2d backward agrees with finite differences for ${label}`, () => {
    const x = values(s.n * s.c * s.h * s.w);
    const dy = values(s.n * s.c * s.outH * s.outW);
    const numeric = finiteDifference(() => dot(adaptiveAvgPool2dForward(s, x), dy), x);
    assertGradient(`dx of ${label}`, adaptiveAvgPool2dBackward(s, dy), numeric, random);
  });
}

test.run();
