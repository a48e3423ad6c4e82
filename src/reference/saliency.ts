import type { ImageShape } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * The image-specific class saliency map (Simonyan et al. 2014, section 3.1): M[n, i, j] = maxₖ |g[n, k, i, j]|
 * over the colour channels. gradient: (n, c, h, w)  →  M: (n, h, w).
 */
export function saliencyMap(s: ImageShape, gradient: ArrayLike<number>): Float64Array {
  expectLength('saliency', 'gradient', gradient, [s.n, s.c, s.h, s.w]);
  const plane = s.h * s.w;
  const map = new Float64Array(s.n * plane);
  for (let n = 0; n < s.n; n++) {
    for (let p = 0; p < plane; p++) {
      let best = 0;
      for (let c = 0; c < s.c; c++) best = Math.max(best, Math.abs(gradient[(n * s.c + c) * plane + p]));
      map[n * plane + p] = best;
    }
  }
  return map;
}
