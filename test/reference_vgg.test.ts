import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initVggWeights, vggLayers, type VggSpec } from '../src/model/mod.ts';
import type { Random } from '../src/random/mod.ts';
import {
  referenceClassScoreGradient,
  referenceVggBackward,
  referenceVggForward,
  type ReferenceVggForward,
} from '../src/reference/mod.ts';
import type { ReluRule } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { assertGradient, pick } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';
import { vggSpecForTest } from './support/vgg_spec_for_test.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

const random = testRandom('reference_vgg');

/** True when two forward passes took the same branch at every ReLU and max-pool. */
function samePattern(a: ReferenceVggForward, b: ReferenceVggForward): boolean {
  for (let i = 0; i < a.activations.length; i++) {
    const sa = a.switches[i];
    const sb = b.switches[i];
    if (sa && sb && sa.some((s, o) => s !== sb[o])) return false;
    // Every ReLU input; checking the other layers' inputs too costs little and changes nothing.
    const xa = a.activations[i];
    const xb = b.activations[i];
    if (xa.some((v, j) => (v > 0) !== (xb[j] > 0))) return false;
  }
  return true;
}

/**
 * Central differences of S = Σᵢ S_{classes[i]}(image i) along up to `count` random coordinates of `x`.
 * With every ReLU and max-pool on the same branch, S is affine in any one coordinate, so the difference is
 * exact but for rounding; a coordinate whose step would change a branch has no finite-difference truth
 * and is passed over.
 */
function checkCoordinates(
  name: string,
  x: Float64Array,
  analytic: ArrayLike<number>,
  forward: () => ReferenceVggForward,
  score: (f: ReferenceVggForward) => number,
  count = 30,
): void {
  const base = forward();
  const order = random.shuffle(Array.from(x, (_, i) => i));
  const checked: number[] = [];
  const numeric: number[] = [];
  for (const i of order) {
    if (checked.length === count) break;
    const saved = x[i];
    // A smaller step when the first crosses a kink: S is affine until the next one, so any step that
    // stays on one branch gives the exact derivative but for rounding (about 1e-9 relative at 1e-7).
    for (const h of [1e-5, 1e-7]) {
      x[i] = saved + h;
      const up = forward();
      x[i] = saved - h;
      const down = forward();
      x[i] = saved;
      if (!samePattern(base, up) || !samePattern(base, down)) continue;
      checked.push(i);
      numeric.push((score(up) - score(down)) / (2 * h));
      break;
    }
  }
  const enough = checked.length >= Math.min(count, x.length) / 2;
  assert.ok(enough, `${name}: only ${checked.length} coordinates away from kinks (seed ${random.seed})`);
  assertGradient(name, pick(analytic, checked), numeric, random);
}

function checkAgainstFiniteDifferences(spec: VggSpec, n: number): void {
  const { channels, height, width } = spec.input;
  // Float64 copies: the finite differences perturb them in place.
  const weights = new Map([...initVggWeights(spec, random, { bias: 0.1 })].map(([k, v]) => [k, Float64Array.from(v)]));
  const input = Float64Array.from({ length: n * channels * height * width }, () => random.uniform(-1, 1));
  const classes = Array.from({ length: n }, () => random.int(spec.labels.length));
  const count = spec.labels.length;
  const score = (f: ReferenceVggForward) => classes.reduce((sum, c, i) => sum + f.logits[i * count + c], 0);
  const forward = () => referenceVggForward(spec, weights, input, n);

  const { dInput } = referenceClassScoreGradient(spec, weights, input, n, classes, 'gradient');
  checkCoordinates('dInput', input, dInput, forward, score);

  const oneHot = new Float64Array(n * count);
  classes.forEach((c, i) => (oneHot[i * count + c] = 1));
  const { dWeights } = referenceVggBackward(spec, weights, forward(), oneHot, 'gradient', true);
  assert.ok(dWeights, 'withWeights gives dWeights');
  for (const [name, values] of weights) {
    const gradient = dWeights.get(name);
    assert.ok(gradient, `a gradient for ${name}`);
    checkCoordinates(name, values, gradient, forward, score);
  }
}

test('reference VGG [8, M, 16, M] → [32] on 3×20×24 matches finite differences of S_c in input and weights', () => {
  checkAgainstFiniteDifferences(vggSpecForTest({ channels: 3, height: 20, width: 24 }, [8, 'M', 16, 'M'], [32], 5), 2);
});

test('reference VGG with an adaptive avgpool from 5×6 to 2×3 agrees with finite differences of S_c', () => {
  checkAgainstFiniteDifferences(vggSpecForTest({ channels: 3, height: 20, width: 24 }, [4, 'M', 6, 'M'], [10], 4, [2, 3]), 2);
});

test('reference VGG on one channel, 9×11, with a conv after the last pool agrees with finite differences', () => {
  checkAgainstFiniteDifferences(vggSpecForTest({ channels: 1, height: 9, width: 11 }, [3, 'M', 5], [7, 6], 3), 1);
});

test('reference VGG keeps the input of every layer and switches exactly at the max-pools', () => {
  const spec = vggSpecForTest({ channels: 3, height: 20, width: 24 }, [8, 'M', 16, 'M'], [32], 5);
  const layers = vggLayers(spec);
  const input = Float64Array.from({ length: 2 * 3 * 20 * 24 }, () => random.uniform(-1, 1));
  const forward = referenceVggForward(spec, initVggWeights(spec, random, { bias: 0.1 }), input, 2);
  assert.is(forward.n, 2);
  assert.is(forward.logits.length, 2 * 5);
  assert.is(forward.activations.length, layers.length);
  assert.equal(forward.activations[0], input);
  layers.forEach((layer, i) => {
    assert.is(forward.switches[i] !== null, layer.kind === 'maxpool', `switches of layer ${i}`);
  });
  // The flattened classifier input is the last max-pool's (n, 16, 5, 6) output as it is.
  assert.is(forward.activations[layers.findIndex((l) => l.kind === 'linear')].length, 2 * 16 * 5 * 6);
});

test('reference VGG backward names its weight gradients as the weights, with their sizes', () => {
  const spec = vggSpecForTest({ channels: 1, height: 6, width: 4 }, [2, 'M'], [3], 2, [2, 1]);
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const forward = referenceVggForward(spec, weights, Float64Array.from({ length: 24 }, () => random.uniform()), 1);
  const { dWeights } = referenceVggBackward(spec, weights, forward, [1, -1], 'gradient', true);
  assert.equal([...(dWeights?.keys() ?? [])].sort(), [...weights.keys()].sort());
  for (const [name, values] of weights) assert.is(dWeights?.get(name)?.length, values.length, name);
  assert.is(referenceVggBackward(spec, weights, forward, [1, -1], 'gradient').dWeights, undefined);
});

// A 1×1×2 input through classifier.0 (2 → 2), ReLU, classifier.3 (2 → 2), all worked on paper:
// h = W₀x = [1 − 2, 1 + 2] = [−1, 3];  logits = W₃·relu(h) + b₃ = [−2·3 + 0.5, 3] = [−5.5, 3].
// For class 0 the ReLU receives W₃ᵀ[1, 0] = [1, −2].
const tiny = vggSpecForTest({ channels: 1, height: 1, width: 2 }, [], [2], 2);
const tinyWeights = new Map([
  ['classifier.0.weight', [1, 1, 1, -1]],
  ['classifier.0.bias', [0, 0]],
  ['classifier.3.weight', [1, -2, -1, 1]],
  ['classifier.3.bias', [0.5, 0]],
]);
const tinyAnswers: Record<ReluRule, number[]> = {
  gradient: [-2, 2], // ReLU passes [0, −2] (h > 0 only at 1), W₀ᵀ[0, −2]
  deconvnet: [1, 1], // ReLU passes [1, 0] (positive dy only), W₀ᵀ[1, 0]
  guided: [0, 0], // nothing is both
};
for (const rule of ['gradient', 'deconvnet', 'guided'] as const) {
  test(`reference VGG applies the ${rule} rule at the classifier's ReLU, as on paper`, () => {
    const { logits, dInput } = referenceClassScoreGradient(tiny, tinyWeights, [1, -2], 1, [0], rule);
    assertClose('logits', logits, [-5.5, 3], { atol: 1e-15, rtol: 0, rel: 1e-15 });
    assert.equal(Array.from(dInput), tinyAnswers[rule]);
  });
}

// A 1×1 image through one 3×3 conv (only the centre tap sees it), ReLU, and a 1 → 2 linear layer:
// pre-activation = −1·2 + 1 = −1, so the ReLU is shut; class 0 sends back +3, class 1 sends −4.
const shut = vggSpecForTest({ channels: 1, height: 1, width: 1 }, [1], [], 2);
const shutWeights = new Map([
  ['features.0.weight', [5, 5, 5, 5, -1, 5, 5, 5, 5]],
  ['features.0.bias', [1]],
  ['classifier.0.weight', [3, -4]],
  ['classifier.0.bias', [0, 0]],
]);
test('reference VGG applies the rule at the feature ReLUs too: only deconvnet passes a shut unit', () => {
  const run = (c: number, rule: ReluRule) =>
    Array.from(referenceClassScoreGradient(shut, shutWeights, [2], 1, [c], rule).dInput);
  assert.equal(run(0, 'gradient'), [0]);
  assert.equal(run(0, 'deconvnet'), [-3]); // 3 through the ReLU, times the centre tap −1
  assert.equal(run(0, 'guided'), [0]);
  assert.equal(run(1, 'deconvnet'), [0]); // −4 is negative
});

test('reference VGG rejects a missing tensor, a wrong input size and a class out of range', () => {
  const partial = new Map(tinyWeights);
  partial.delete('classifier.3.bias');
  assert.throws(() => referenceVggForward(tiny, partial, [1, 2], 1), /classifier\.3\.bias/);
  assert.throws(() => referenceVggForward(tiny, tinyWeights, [1, 2, 3], 1), isRangeError);
  const outOfRange = () => referenceClassScoreGradient(tiny, tinyWeights, [1, 2], 1, [2], 'gradient');
  assert.throws(outOfRange, isRangeError);
});

test.run();
