import type { ReluRule } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/** max(x, 0), element by element, any shape. */
export function reluForward(x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
  return y;
}

/**
 * The gradient passed back through ReLU under `rule`, given the forward INPUT `x` and the incoming `dy`
 * (same length): `gradient` keeps dy where x > 0 (the true derivative), `deconvnet` keeps dy where dy > 0
 * whatever x was, `guided` keeps dy where both hold.
 */
export function reluBackward(x: ArrayLike<number>, dy: ArrayLike<number>, rule: ReluRule): Float64Array {
  expectLength('relu_backward', 'dy', dy, [x.length]);
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const open = rule === 'gradient' ? x[i] > 0 : rule === 'deconvnet' ? dy[i] > 0 : x[i] > 0 && dy[i] > 0;
    dx[i] = open ? dy[i] : 0;
  }
  return dx;
}
