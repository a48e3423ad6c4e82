import type { LinearShape } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/** y = x Wᵀ + b: x: (n, in)  weight: (out, in), as PyTorch  bias: (out)  →  y: (n, out). */
export function linearForward(
  s: LinearShape,
  x: ArrayLike<number>,
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
): Float64Array {
  expectLength('linear', 'x', x, [s.n, s.inFeatures]);
  expectLength('linear', 'weight', weight, [s.outFeatures, s.inFeatures]);
  expectLength('linear', 'bias', bias, [s.outFeatures]);
  const y = new Float64Array(s.n * s.outFeatures);
  for (let n = 0; n < s.n; n++) {
    for (let o = 0; o < s.outFeatures; o++) {
      let sum = bias[o];
      for (let i = 0; i < s.inFeatures; i++) sum += x[n * s.inFeatures + i] * weight[o * s.inFeatures + i];
      y[n * s.outFeatures + o] = sum;
    }
  }
  return y;
}

/** dx = dy W: dy: (n, out)  weight: (out, in)  →  dx: (n, in). */
export function linearBackwardInput(s: LinearShape, dy: ArrayLike<number>, weight: ArrayLike<number>): Float64Array {
  expectLength('linear_backward_input', 'dy', dy, [s.n, s.outFeatures]);
  expectLength('linear_backward_input', 'weight', weight, [s.outFeatures, s.inFeatures]);
  const dx = new Float64Array(s.n * s.inFeatures);
  for (let n = 0; n < s.n; n++) {
    for (let i = 0; i < s.inFeatures; i++) {
      let sum = 0;
      for (let o = 0; o < s.outFeatures; o++) sum += dy[n * s.outFeatures + o] * weight[o * s.inFeatures + i];
      dx[n * s.inFeatures + i] = sum;
    }
  }
  return dx;
}

/**
 * dW = dyᵀ x and dB = Σₙ dy, summed over the batch.
 * x: (n, in)  dy: (n, out)  →  dWeight: (out, in), dBias: (out).
 */
export function linearBackwardWeight(
  s: LinearShape,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): { dWeight: Float64Array; dBias: Float64Array } {
  expectLength('linear_backward_weight', 'x', x, [s.n, s.inFeatures]);
  expectLength('linear_backward_weight', 'dy', dy, [s.n, s.outFeatures]);
  const dWeight = new Float64Array(s.outFeatures * s.inFeatures);
  const dBias = new Float64Array(s.outFeatures);
  for (let o = 0; o < s.outFeatures; o++) {
    for (let n = 0; n < s.n; n++) {
      const g = dy[n * s.outFeatures + o];
      dBias[o] += g;
      for (let i = 0; i < s.inFeatures; i++) dWeight[o * s.inFeatures + i] += g * x[n * s.inFeatures + i];
    }
  }
  return { dWeight, dBias };
}
