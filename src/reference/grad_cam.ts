import type { ImageShape } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/** Grad-CAM's channel weights: w[n, k] = mean over (i, j) of dA[n, k, i, j]. dA: (n, k, h, w) with s.c = k  →  (n, k). */
export function gradCamWeights(s: ImageShape, dA: ArrayLike<number>): Float64Array {
  expectLength('grad_cam_weights', 'dA', dA, [s.n, s.c, s.h, s.w]);
  const plane = s.h * s.w;
  const w = new Float64Array(s.n * s.c);
  for (let q = 0; q < s.n * s.c; q++) {
    let total = 0;
    for (let p = 0; p < plane; p++) total += dA[q * plane + p];
    w[q] = total / plane;
  }
  return w;
}

/** Grad-CAM's coarse map: cam[n, i, j] = max(0, Σ_k w[n, k] A[n, k, i, j]). A: (n, k, h, w)  w: (n, k)  →  (n, h, w). */
export function gradCam(s: ImageShape, a: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  expectLength('grad_cam', 'A', a, [s.n, s.c, s.h, s.w]);
  expectLength('grad_cam', 'w', w, [s.n, s.c]);
  const plane = s.h * s.w;
  const cam = new Float64Array(s.n * plane);
  for (let n = 0; n < s.n; n++) {
    for (let p = 0; p < plane; p++) {
      let total = 0;
      for (let k = 0; k < s.c; k++) total += w[n * s.c + k] * a[(n * s.c + k) * plane + p];
      cam[n * plane + p] = Math.max(0, total);
    }
  }
  return cam;
}
