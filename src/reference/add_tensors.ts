import { expectLength } from './expect_length.ts';

/** y = a + b, elementwise (a residual connection; its gradient passes unchanged to both a and b). */
export function addTensors(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  expectLength('add_tensors', 'b', b, [a.length]);
  const y = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i] + b[i];
  return y;
}
