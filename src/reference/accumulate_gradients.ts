import { expectLength } from './expect_length.ts';

/**
 * Sums copies' gradients per image: for n images with `copies` each, g: (n·copies, size)  →  the sum and
 * the sum of squares over each image's copies, (n, size) each.
 */
export function accumulateGradients(g: ArrayLike<number>, n: number, copies: number, size: number): { sum: Float64Array; squares: Float64Array } {
  expectLength('accumulate_gradients', 'g', g, [n * copies, size]);
  const sum = new Float64Array(n * size);
  const squares = new Float64Array(n * size);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < copies; k++) {
      for (let e = 0; e < size; e++) {
        const v = g[(i * copies + k) * size + e];
        sum[i * size + e] += v;
        squares[i * size + e] += v * v;
      }
    }
  }
  return { sum, squares };
}
