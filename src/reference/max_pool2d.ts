import { type MaxPool2dShape, maxPool2dOutputSize } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * 2×2 max-pool, stride 2, floor mode: x: (n, c, h, w)  →  y: (n, c, ⌊h/2⌋, ⌊w/2⌋), and for each output
 * its switch, the flat index into the whole of x of the element it took. Of equal values the first in
 * window order (0,0), (0,1), (1,0), (1,1) wins, as PyTorch's strict `>` does.
 */
export function maxPool2dForward(s: MaxPool2dShape, x: ArrayLike<number>): { y: Float64Array; switches: Uint32Array } {
  expectLength('max_pool2d', 'x', x, [s.n, s.c, s.h, s.w]);
  const [oh, ow] = maxPool2dOutputSize(s);
  const y = new Float64Array(s.n * s.c * oh * ow);
  const switches = new Uint32Array(y.length);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -1;
        for (let r = 0; r < 2; r++) {
          for (let q = 0; q < 2; q++) {
            const i = (plane * s.h + 2 * oy + r) * s.w + 2 * ox + q;
            if (best < 0 || x[i] > x[best]) best = i;
          }
        }
        const o = (plane * oh + oy) * ow + ox;
        y[o] = x[best];
        switches[o] = best;
      }
    }
  }
  return { y, switches };
}

/**
 * Routes each dy to its switch: dy, switches: (n, c, ⌊h/2⌋, ⌊w/2⌋)  →  dx: (n, c, h, w), zero where no
 * window chose (including rows and columns that floor mode drops).
 */
export function maxPool2dBackward(s: MaxPool2dShape, dy: ArrayLike<number>, switches: ArrayLike<number>): Float64Array {
  const [oh, ow] = maxPool2dOutputSize(s);
  expectLength('max_pool2d_backward', 'dy', dy, [s.n, s.c, oh, ow]);
  expectLength('max_pool2d_backward', 'switches', switches, [s.n, s.c, oh, ow]);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  for (let o = 0; o < dy.length; o++) {
    const i = switches[o];
    if (!Number.isInteger(i) || i < 0 || i >= dx.length) {
      throw new RangeError(`max_pool2d_backward: switch ${o} is ${i}, outside x's ${dx.length} elements`);
    }
    // Windows do not overlap, so `=` would do; `+=` stays right for any switches.
    dx[i] += dy[o];
  }
  return dx;
}
