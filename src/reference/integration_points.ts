import { expectLength } from './expect_length.ts';

/**
 * Integrated Gradients' midpoints for copies `first` … `first + count − 1` of n images with m steps each:
 * copy t is image ⌊t/m⌋ at step k = t mod m + 1, b + ((k − ½)/m)(x − b), b the constant baseline.
 * x: (n, size)  →  (count, size).
 */
export function integrationPoints(x: ArrayLike<number>, n: number, size: number, steps: number, baseline: number, first: number, count: number): Float64Array {
  expectLength('integration_points', 'x', x, [n, size]);
  const out = new Float64Array(count * size);
  for (let k = 0; k < count; k++) {
    const t = first + k;
    const image = Math.floor(t / steps);
    const alpha = ((t % steps) + 0.5) / steps;
    for (let e = 0; e < size; e++) out[k * size + e] = baseline + alpha * (x[image * size + e] - baseline);
  }
  return out;
}
