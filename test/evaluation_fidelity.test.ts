import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bootstrapInterval,
  fidelityBaselineMap,
  fidelityCheckpoints,
  fidelityProtocol,
  pixelOrder,
  pixelRanks,
  riseBlur,
  riseKernel1d,
  riseCheckpoints,
  trapezoidAuc,
} from '../src/evaluation/mod.ts';
import { Random } from '../src/random/mod.ts';
import { assertClose } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('evaluation_fidelity');

test('pixelRanks orders descending and breaks ties by ascending row-major index', () => {
  assert.equal(Array.from(pixelRanks([0.2, 0.9, 0.2, 0.5])), [2, 0, 3, 1]);
  assert.equal(Array.from(pixelOrder([1, 1, 1, 2, -0, 0])), [3, 0, 1, 2, 4, 5]);
  assert.equal(Array.from(pixelOrder([-Infinity, Infinity, 0])), [1, 2, 0]);
  const out = new Uint32Array(6).fill(99);
  pixelRanks([3, 1, 2], out, 3);
  assert.equal(Array.from(out), [99, 99, 99, 0, 2, 1]);
  assertThrowsWith(() => pixelRanks([1, Number.NaN]), RangeError, /pixel 1 is NaN/);
});

test('pixelRanks of random tied maps is a permutation that agrees with counting', () => {
  for (let trial = 0; trial < 5; trial++) {
    const map = Array.from({ length: 37 }, () => random.int(4));
    const ranks = Array.from(pixelRanks(map));
    const counted = map.map((v, p) => map.filter((w, q) => w > v || (w === v && q < p)).length);
    assert.equal(ranks, counted);
  }
});

test('fidelityCheckpoints are floor(i·P/steps), from 0 to P; RISE adds pixelsPerStep a step, the last step partial', () => {
  assert.equal(fidelityCheckpoints(784, 10), [0, 78, 156, 235, 313, 392, 470, 548, 627, 705, 784]);
  assert.equal(fidelityCheckpoints(3, 3), [0, 1, 2, 3]);
  assert.equal(fidelityCheckpoints(5, 1), [0, 5]);
  assert.equal(riseCheckpoints(10, 4), [0, 4, 8, 10]);
  assert.equal(riseCheckpoints(8, 4), [0, 4, 8]);
  assertThrowsWith(() => fidelityCheckpoints(12, 0), RangeError, /--steps 0 must be a whole number in \[1, 12\]/);
  assertThrowsWith(() => fidelityCheckpoints(12, 13), RangeError, /--steps 13 must be/);
  assertThrowsWith(() => riseCheckpoints(12, 13), RangeError, /--pixels-per-step 13 must be/);
});

test('fidelityProtocol: the default protocol and RISE, and the options each refuses', () => {
  const p = fidelityProtocol(4, 5, { steps: 4, baseline: 0.25 });
  assert.equal([p.name, p.checkpoints, p.deletion, p.insertion, p.score], ['default', [0, 5, 10, 15, 20], 0.25, 0.25, 'prob']);
  const r = fidelityProtocol(4, 5, { protocol: 'rise', score: 'logit' });
  assert.equal([r.name, r.checkpoints, r.deletion, r.insertion, r.score], ['rise', [0, 5, 10, 15, 20], 0, 'blur', 'logit']);
  assertThrowsWith(() => fidelityProtocol(4, 5, { protocol: 'rise', steps: 3 }), RangeError, /rise takes --pixels-per-step, not --steps/);
  assertThrowsWith(() => fidelityProtocol(4, 5, { protocol: 'rise', baseline: 1 }), RangeError, /takes no --baseline/);
  assertThrowsWith(() => fidelityProtocol(4, 5, { pixelsPerStep: 3 }), RangeError, /--pixels-per-step belongs to --protocol rise/);
});

test('trapezoidAuc is the mean of (s_i + s_{i+1})/2', () => {
  assertClose('auc', [trapezoidAuc([1, 0.5, 0]), trapezoidAuc([0, 1]), trapezoidAuc([0.2, 0.4, 0.4, 1])], [0.5, 0.5, (0.3 + 0.4 + 0.7) / 3]);
  assertThrowsWith(() => trapezoidAuc([1]), RangeError, /two points or more/);
});

test('bootstrapInterval: percentiles of resampled means, replayed by its seed, exact for constant values', () => {
  const values = Array.from({ length: 50 }, () => random.uniform());
  const a = bootstrapInterval(values, { seed: 7 });
  assert.equal(bootstrapInterval(values, { seed: 7 }), a);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  assert.ok(a[0] < mean && mean < a[1], `${a} holds ${mean}`);
  // The same resampling by hand: 1000 means of 50 draws, sorted; the 25th and the 975th.
  const draw = new Random(7);
  const means = Array.from({ length: 1000 }, () => {
    let sum = 0;
    for (let i = 0; i < 50; i++) sum += values[Math.floor(draw.uniform(0, 50))];
    return sum / 50;
  }).sort((x, y) => x - y);
  assert.equal(a, [means[25], means[974]]);
  assert.equal(bootstrapInterval([0.3, 0.3, 0.3]), [0.3, 0.3]);
  assertThrowsWith(() => bootstrapInterval([]), RangeError, /no values/);
});

test('fidelityBaselineMap: random maps depend on the seed and the item only; the centre map peaks in the middle', () => {
  const a = fidelityBaselineMap('random', 3, 4, 5, 11);
  assert.equal(Array.from(fidelityBaselineMap('random', 3, 4, 5, 11)), Array.from(a));
  assert.not.equal(Array.from(fidelityBaselineMap('random', 4, 4, 5, 11)), Array.from(a));
  assert.not.equal(Array.from(fidelityBaselineMap('random', 3, 4, 5, 12)), Array.from(a));
  const centre = fidelityBaselineMap('centre', 0, 5, 5, 0);
  assert.is(pixelOrder(centre)[0], 12);
});

test('riseKernel1d is scipy.ndimage.gaussian_filter of an 11-tap impulse at σ 5 (mode reflect), as gkern(11, 5) of RISE builds it', () => {
  // scipy 1.10: gaussian_filter(impulse 11×11 at (5, 5), 5)[5] / its middle row's sum is separable; the row itself:
  const scipyRow = [0.008266488021414163, 0.00835464075320908, 0.008502951664238926, 0.008664311467689242, 0.008786325619569013, 0.008832628216191647];
  const k = riseKernel1d();
  const middle = k[5];
  scipyRow.forEach((v, i) => {
    assert.ok(Math.abs(k[i] * middle - v) < 1e-15, `tap ${i}: ${k[i] * middle} vs scipy ${v}`);
    assert.ok(Math.abs(k[10 - i] * middle - v) < 1e-15, `tap ${10 - i}`);
  });
  assert.ok(Math.abs(k.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('riseBlur keeps the mass of an impulse far from the edges and at a corner only the kernel quarter inside (zeros past the edges)', () => {
  const x = new Float32Array(15 * 15);
  x[7 * 15 + 7] = 1;
  const middle = riseBlur(x, 1, 1, 15, 15).reduce((a, b) => a + b, 0);
  assertClose('middle', [middle], [1], { atol: 1e-6 });
  const corner = new Float32Array(15 * 15);
  corner[0] = 1;
  const kept = riseBlur(corner, 1, 1, 15, 15).reduce((a, b) => a + b, 0);
  // Kept: the kernel's mass on one side of the centre, centre included, squared.
  const k = riseKernel1d();
  const half = k.slice(5).reduce((a, b) => a + b, 0);
  assertClose('corner', [kept], [half * half], { atol: 1e-6 });
});

test.run();
