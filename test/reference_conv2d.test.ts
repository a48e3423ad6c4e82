import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize } from '../src/shapes/mod.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

const random = testRandom('reference_conv2d');
const values = (length: number) => Float64Array.from({ length }, () => random.uniform(-1, 1));

test('conv2d forward of a 3×3 input with a 2×2 kernel matches the answer on paper', () => {
  const s: Conv2dShape = { n: 1, c: 1, h: 3, w: 3, k: 1, size: 2, pad: 0 };
  const y = conv2dForward(s, [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4], [0.5]);
  // y[0,0] = 1·1 + 2·2 + 4·3 + 5·4 + 0.5, and the window slides one step right or down for the others.
  assert.equal(Array.from(y), [37.5, 47.5, 67.5, 77.5]);
});

test('conv2d backward of a 3×3 input with a 2×2 kernel matches the answer on paper', () => {
  const s: Conv2dShape = { n: 1, c: 1, h: 3, w: 3, k: 1, size: 2, pad: 0 };
  const dy = [1, -1, 2, 0];
  assert.equal(Array.from(conv2dBackwardInput(s, dy, [1, 2, 3, 4])), [1, 1, -2, 5, 5, -4, 6, 8, 0]);
  const { dWeight, dBias } = conv2dBackwardWeight(s, [1, 2, 3, 4, 5, 6, 7, 8, 9], dy);
  assert.equal(Array.from(dWeight), [7, 9, 13, 15]);
  assert.equal(Array.from(dBias), [2]);
});

test('conv2d pads with zeros on the top and left as on the bottom and right', () => {
  const s: Conv2dShape = { n: 1, c: 1, h: 2, w: 2, k: 2, size: 3, pad: 1 };
  // Kernel 0 takes only its top-left tap, so y[i, j] = x[i − 1, j − 1]; kernel 1 sums the whole window.
  const weight = [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1];
  const y = conv2dForward(s, [1, 2, 3, 4], weight, [0, -10]);
  assert.equal(Array.from(y), [0, 0, 0, 1, 0, 0, 0, 0]);
});

test('conv2d mixes channels and batch images by hand: 2 images, 2 channels, a 1×1 kernel', () => {
  const s: Conv2dShape = { n: 2, c: 2, h: 1, w: 2, k: 1, size: 1, pad: 0 };
  // y[n, 0, j] = 10·x[n, 0, j] + x[n, 1, j] − 1
  const y = conv2dForward(s, [1, 2, 3, 4, 5, 6, 7, 8], [10, 1], [-1]);
  assert.equal(Array.from(y), [12, 23, 56, 67]);
});

test('conv2d rejects a weight whose channels do not match the input', () => {
  const s: Conv2dShape = { n: 1, c: 3, h: 4, w: 4, k: 2, size: 3, pad: 1 };
  assert.throws(() => conv2dForward(s, values(48), values(2 * 1 * 9), values(2)), isRangeError);
  const tooBig: Conv2dShape = { n: 1, c: 1, h: 2, w: 2, k: 1, size: 5, pad: 1 };
  assert.throws(() => conv2dForward(tooBig, values(4), values(25), values(1)), /does not fit/);
});

test('conv2d with stride 2 and padding only on the bottom and right matches the answer on paper', () => {
  // A 4×4 input, 2×2 kernel, stride 2, pads (0, 0, 1, 1): windows start at rows and columns 0 and 2 only.
  const s: Conv2dShape = { n: 1, c: 1, h: 4, w: 4, k: 1, size: 2, pad: 0, stride: 2, pads: [0, 0, 1, 1] };
  assert.equal(conv2dOutputSize(s), [2, 2]);
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  // y[0,0] = 1·1 + 2·2 + 5·3 + 6·4 = 44; y[0,1] = 3 + 8 + 21 + 32 = 64; y[1,0] = 9 + 20 + 39 + 56 = 124; y[1,1] = 11 + 24 + 45 + 64.
  assert.equal(Array.from(conv2dForward(s, x, [1, 2, 3, 4], [0])), [44, 64, 124, 144]);
  // Each input pixel gets the tap that read it: stride 2 with a 2×2 kernel touches every pixel once.
  assert.equal(Array.from(conv2dBackwardInput(s, [1, 10, 100, 1000], [1, 2, 3, 4])), [
    1, 2, 10, 20, 3, 4, 30, 40, 100, 200, 1000, 2000, 300, 400, 3000, 4000,
  ]);
});

test('conv2d with stride 3 leaves the input pixels no window reads with zero gradient', () => {
  // 1×1 kernel, stride 3 on a 1×7 row: outputs read columns 0, 3, 6.
  const s: Conv2dShape = { n: 1, c: 1, h: 1, w: 7, k: 1, size: 1, pad: 0, stride: 3 };
  assert.equal(Array.from(conv2dForward(s, [1, 2, 3, 4, 5, 6, 7], [2], [1])), [3, 9, 15]);
  assert.equal(Array.from(conv2dBackwardInput(s, [1, 2, 3], [2])), [2, 0, 0, 4, 0, 0, 6]);
});

test('conv2d rejects a stride that is not a positive integer', () => {
  const s: Conv2dShape = { n: 1, c: 1, h: 4, w: 4, k: 1, size: 1, pad: 0, stride: 0 };
  assert.throws(() => conv2dForward(s, values(16), values(1), values(1)), /stride 0 must be a positive integer/);
});

const shapes: readonly Conv2dShape[] = [
  { n: 2, c: 2, h: 7, w: 6, k: 2, size: 3, pad: 1, stride: 2 },
  { n: 1, c: 3, h: 9, w: 8, k: 2, size: 7, pad: 3, stride: 2 },
  { n: 2, c: 3, h: 5, w: 7, k: 2, size: 1, pad: 0, stride: 2 },
  { n: 1, c: 2, h: 6, w: 7, k: 3, size: 3, pad: 0, stride: 1, pads: [0, 1, 2, 1] },
  { n: 1, c: 2, h: 8, w: 7, k: 2, size: 3, pad: 0, stride: 3, pads: [1, 0, 2, 2] },
  { n: 2, c: 3, h: 5, w: 7, k: 2, size: 3, pad: 1 },
  { n: 2, c: 3, h: 4, w: 5, k: 3, size: 3, pad: 0 },
  { n: 1, c: 1, h: 5, w: 3, k: 4, size: 1, pad: 0 },
  { n: 2, c: 1, h: 7, w: 6, k: 2, size: 5, pad: 2 },
  { n: 1, c: 3, h: 6, w: 5, k: 1, size: 5, pad: 0 },
  { n: 2, c: 3, h: 3, w: 3, k: 2, size: 3, pad: 1 },
];

for (const s of shapes) {
  const label = `n ${s.n}, c ${s.c}, ${s.h}×${s.w}, k ${s.k}, kernel ${s.size}, ${s.pads ? `pads ${s.pads.join(' ')}` : `pad ${s.pad}`}, stride ${s.stride ?? 1}`;
  test(`conv2d backward agrees with finite differences for ${label}`, () => {
    const [oh, ow] = conv2dOutputSize(s);
    const x = values(s.n * s.c * s.h * s.w);
    const weight = values(s.k * s.c * s.size * s.size);
    const bias = values(s.k);
    const dy = values(s.n * s.k * oh * ow);
    const loss = () => dot(conv2dForward(s, x, weight, bias), dy);
    const dx = conv2dBackwardInput(s, dy, weight);
    const { dWeight, dBias } = conv2dBackwardWeight(s, x, dy);
    for (const [name, analytic, at] of [
      ['dx', dx, x],
      ['dWeight', dWeight, weight],
      ['dBias', dBias, bias],
    ] as const) {
      assertGradient(`${name} of ${label}`, analytic, finiteDifference(loss, at), random);
    }
  });
}

test('conv2d takes a Float32Array input exactly as its float64 values', () => {
  const s = shapes[0];
  const x32 = random.uniformArray(s.n * s.c * s.h * s.w);
  const weight = values(s.k * s.c * 9);
  const bias = values(s.k);
  assert.equal(conv2dForward(s, x32, weight, bias), conv2dForward(s, Float64Array.from(x32), weight, bias));
});

test.run();
