import type { ImageShape } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/** Global average pool: x: (n, c, h, w)  →  y: (n, c), each the mean of its plane. */
export function globalAvgPool2dForward(s: ImageShape, x: ArrayLike<number>): Float64Array {
  expectLength('global_avg_pool2d', 'x', x, [s.n, s.c, s.h, s.w]);
  const plane = s.h * s.w;
  const y = new Float64Array(s.n * s.c);
  for (let p = 0; p < s.n * s.c; p++) {
    let sum = 0;
    for (let i = 0; i < plane; i++) sum += x[p * plane + i];
    y[p] = sum / plane;
  }
  return y;
}

/** Its gradient: dy: (n, c)  →  dx: (n, c, h, w), dx[n, c, i, j] = dy[n, c] / (h·w). */
export function globalAvgPool2dBackward(s: ImageShape, dy: ArrayLike<number>): Float64Array {
  expectLength('global_avg_pool2d_backward', 'dy', dy, [s.n, s.c]);
  const plane = s.h * s.w;
  const dx = new Float64Array(s.n * s.c * plane);
  for (let p = 0; p < s.n * s.c; p++) {
    for (let i = 0; i < plane; i++) dx[p * plane + i] = dy[p] / plane;
  }
  return dx;
}
