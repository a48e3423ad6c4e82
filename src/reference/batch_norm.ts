import type { ImageShape } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * Batch normalisation in inference form: x: (n, c, h, w)  scale, shift: (c)  →  y = x·scale[c] + shift[c],
 * where scale = γ/√(var + ε) and shift = β − mean·scale.
 */
export function batchNormForward(s: ImageShape, x: ArrayLike<number>, scale: ArrayLike<number>, shift: ArrayLike<number>): Float64Array {
  expectLength('batch_norm', 'x', x, [s.n, s.c, s.h, s.w]);
  expectLength('batch_norm', 'scale', scale, [s.c]);
  expectLength('batch_norm', 'shift', shift, [s.c]);
  const plane = s.h * s.w;
  const y = new Float64Array(x.length);
  for (let n = 0; n < s.n; n++) {
    for (let c = 0; c < s.c; c++) {
      for (let i = 0; i < plane; i++) {
        const at = (n * s.c + c) * plane + i;
        y[at] = x[at] * scale[c] + shift[c];
      }
    }
  }
  return y;
}

/** Its gradient to the input: dy: (n, c, h, w)  scale: (c)  →  dx = dy·scale[c]. */
export function batchNormBackward(s: ImageShape, dy: ArrayLike<number>, scale: ArrayLike<number>): Float64Array {
  expectLength('batch_norm_backward', 'dy', dy, [s.n, s.c, s.h, s.w]);
  expectLength('batch_norm_backward', 'scale', scale, [s.c]);
  const plane = s.h * s.w;
  const dx = new Float64Array(dy.length);
  for (let n = 0; n < s.n; n++) {
    for (let c = 0; c < s.c; c++) {
      for (let i = 0; i < plane; i++) {
        const at = (n * s.c + c) * plane + i;
        dx[at] = dy[at] * scale[c];
      }
    }
  }
  return dx;
}
