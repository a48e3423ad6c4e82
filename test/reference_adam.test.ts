import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adamStep, type AdamOptions } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

const exact = { atol: 1e-15, rtol: 1e-13, rel: 1e-13 };
// ε = 0 makes the arithmetic exact on paper; the last test covers where ε goes.
const o: AdamOptions = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 0 };

test('adam takes two steps as on paper', () => {
  const param = Float64Array.from([1]);
  const m = new Float64Array(1);
  const v = new Float64Array(1);
  // Step 1: m = 0.02, v = 4e−5; bias-corrected they are 0.2 and 0.04, so p moves by lr·0.2/0.2.
  adamStep(param, [0.2], m, v, 1, o);
  assertClose('m after 1', m, [0.02], exact);
  assertClose('v after 1', v, [4e-5], exact);
  assertClose('param after 1', param, [0.99], exact);
  // Step 2: m = 0.018 − 0.01 = 0.008, v = 3.996e−5 + 1e−5; m̂ = 0.008/0.19, v̂ = 4.996e−5/0.001999.
  adamStep(param, [-0.1], m, v, 2, o);
  assertClose('m after 2', m, [0.008], exact);
  assertClose('v after 2', v, [4.996e-5], exact);
  assertClose('param after 2', param, [0.99 - 0.01 * (0.008 / 0.19) / Math.sqrt(4.996e-5 / 0.001999)], exact);
  assertClose('param after 2, worked out', param, [0.9873366296], { atol: 1e-10, rtol: 0, rel: 1e-9 });
});

test('adam adds weight decay to the gradient before the moments', () => {
  const param = Float64Array.from([1]);
  const m = new Float64Array(1);
  const v = new Float64Array(1);
  // g' = −0.2 + 0.5·1 = 0.3 > 0, so the first step moves p down by lr although g pointed up.
  adamStep(param, [-0.2], m, v, 1, { ...o, weightDecay: 0.5 });
  assertClose('m', m, [0.03], exact);
  assertClose('param', param, [0.99], exact);
});

test('adam adds ε to the bias-corrected root of v', () => {
  const param = Float64Array.from([0]);
  // v = 1e−3·g² = 1e−3 at step 1, √v̂ = 1; with ε = 1 the step is lr·1/(1 + 1).
  adamStep(param, [1], new Float64Array(1), new Float64Array(1), 1, { ...o, epsilon: 1 });
  assertClose('param', param, [-0.005], exact);
});

test('adam rejects a step count below 1', () => {
  const zero = () => new Float64Array(1);
  assert.throws(() => adamStep(zero(), [1], zero(), zero(), 0, o), isRangeError);
});

test.run();
