import type { ImageShape } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * M[n, i, j] = maxᶜ |scale · (x[n, c, i, j] − baseline) · g[n, c, i, j]|: gradient × input (baseline 0,
 * scale 1) and Integrated Gradients' map (scale 1/m, g the sum of the midpoint gradients).
 * x, g: (n, c, h, w)  →  (n, h, w).
 */
export function inputProductMap(s: ImageShape, x: ArrayLike<number>, g: ArrayLike<number>, baseline = 0, scale = 1): Float64Array {
  expectLength('input_product_map', 'x', x, [s.n, s.c, s.h, s.w]);
  expectLength('input_product_map', 'g', g, [s.n, s.c, s.h, s.w]);
  const plane = s.h * s.w;
  const map = new Float64Array(s.n * plane);
  for (let n = 0; n < s.n; n++) {
    for (let p = 0; p < plane; p++) {
      let best = 0;
      for (let c = 0; c < s.c; c++) {
        const at = (n * s.c + c) * plane + p;
        best = Math.max(best, Math.abs(scale * (x[at] - baseline) * g[at]));
      }
      map[n * plane + p] = best;
    }
  }
  return map;
}
