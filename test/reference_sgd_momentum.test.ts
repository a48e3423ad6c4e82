import { test } from 'uvu';
import { sgdMomentumStep } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';

const exact = { atol: 1e-15, rtol: 1e-14, rel: 1e-14 };

test('sgd_momentum takes one step with weight decay as on paper', () => {
  const param = Float64Array.from([1, -2]);
  const velocity = Float64Array.from([0.1, 0]);
  sgdMomentumStep(param, [0.5, 1], velocity, { learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 });
  // g' = [0.5 + 0.01, 1 − 0.02];  v = [0.09 + 0.51, 0 + 0.98];  p = [1 − 0.06, −2 − 0.098].
  assertClose('velocity', velocity, [0.6, 0.98], exact);
  assertClose('param', param, [0.94, -2.098], exact);
});

test('sgd_momentum from zero velocity takes two steps as PyTorch does', () => {
  const param = Float64Array.from([1]);
  const velocity = new Float64Array(1);
  const o = { learningRate: 0.5, momentum: 0.5 };
  sgdMomentumStep(param, [1], velocity, o); // v = 1, p = 0.5
  sgdMomentumStep(param, [2], velocity, o); // v = 0.5 + 2 = 2.5, p = 0.5 − 1.25
  assertClose('velocity', velocity, [2.5], exact);
  assertClose('param', param, [-0.75], exact);
});

test.run();
