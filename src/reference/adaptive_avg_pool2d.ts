import { type AdaptiveAvgPool2dShape, adaptivePoolWindow } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * torchvision's AdaptiveAvgPool2d: x: (n, c, h, w)  →  y: (n, c, outH, outW), each output the mean of its
 * window from `adaptivePoolWindow` (windows may overlap when the sizes do not divide).
 */
export function adaptiveAvgPool2dForward(s: AdaptiveAvgPool2dShape, x: ArrayLike<number>): Float64Array {
  expectLength('adaptive_avg_pool2d', 'x', x, [s.n, s.c, s.h, s.w]);
  const y = new Float64Array(s.n * s.c * s.outH * s.outW);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const [y0, y1] = adaptivePoolWindow(oy, s.h, s.outH);
      for (let ox = 0; ox < s.outW; ox++) {
        const [x0, x1] = adaptivePoolWindow(ox, s.w, s.outW);
        let sum = 0;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) sum += x[(plane * s.h + iy) * s.w + ix];
        }
        y[(plane * s.outH + oy) * s.outW + ox] = sum / ((y1 - y0) * (x1 - x0));
      }
    }
  }
  return y;
}

/**
 * dy: (n, c, outH, outW)  →  dx: (n, c, h, w): each dy shared equally over its window, accumulated with
 * `+=` because overlapping windows send an input two gradients.
 */
export function adaptiveAvgPool2dBackward(s: AdaptiveAvgPool2dShape, dy: ArrayLike<number>): Float64Array {
  expectLength('adaptive_avg_pool2d_backward', 'dy', dy, [s.n, s.c, s.outH, s.outW]);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const [y0, y1] = adaptivePoolWindow(oy, s.h, s.outH);
      for (let ox = 0; ox < s.outW; ox++) {
        const [x0, x1] = adaptivePoolWindow(ox, s.w, s.outW);
        const share = dy[(plane * s.outH + oy) * s.outW + ox] / ((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) dx[(plane * s.h + iy) * s.w + ix] += share;
        }
      }
    }
  }
  return dx;
}
