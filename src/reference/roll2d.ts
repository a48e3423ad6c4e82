import type { ImageShape } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/** A circular shift of every (h, w) plane: y[n, c, i, j] = x[n, c, (i − dy) mod h, (j − dx) mod w]. */
export function roll2d(s: ImageShape, x: ArrayLike<number>, dy: number, dx: number): Float64Array {
  expectLength('roll2d', 'x', x, [s.n, s.c, s.h, s.w]);
  const y = new Float64Array(s.n * s.c * s.h * s.w);
  const wrap = (v: number, size: number) => ((v % size) + size) % size;
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let i = 0; i < s.h; i++) {
      for (let j = 0; j < s.w; j++) {
        y[(plane * s.h + i) * s.w + j] = x[(plane * s.h + wrap(i - dy, s.h)) * s.w + wrap(j - dx, s.w)];
      }
    }
  }
  return y;
}
