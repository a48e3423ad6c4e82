import { type MaxPool2dShape, maxPool2dOutputSize, maxPool2dWindow } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * Max-pool, floor mode, with the shape's window, stride and padding (default 2×2, stride 2, none):
 * x: (n, c, h, w)  →  y: (n, c, oh, ow), and for each output its switch, the flat index into the whole
 * of x of the element it took. Padding counts as −∞: only elements of x compete. Of equal values the first
 * in row-major window order wins, as PyTorch's strict `>` does.
 */
export function maxPool2dForward(s: MaxPool2dShape, x: ArrayLike<number>): { y: Float64Array; switches: Uint32Array } {
  expectLength('max_pool2d', 'x', x, [s.n, s.c, s.h, s.w]);
  const { size, stride, pads } = maxPool2dWindow(s);
  const [oh, ow] = maxPool2dOutputSize(s);
  if (oh < 1 || ow < 1) throw new RangeError(`max_pool2d: a ${size}×${size} window leaves no output of a ${s.h}×${s.w} input`);
  const y = new Float64Array(s.n * s.c * oh * ow);
  const switches = new Uint32Array(y.length);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -1;
        for (let r = 0; r < size; r++) {
          for (let q = 0; q < size; q++) {
            const iy = oy * stride + r - pads[0];
            const ix = ox * stride + q - pads[1];
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            const i = (plane * s.h + iy) * s.w + ix;
            if (best < 0 || x[i] > x[best]) best = i;
          }
        }
        if (best < 0) throw new RangeError(`max_pool2d: window (${oy}, ${ox}) holds only padding`);
        const o = (plane * oh + oy) * ow + ox;
        y[o] = x[best];
        switches[o] = best;
      }
    }
  }
  return { y, switches };
}

/**
 * Routes each dy to its switch: dy, switches: (n, c, oh, ow)  →  dx: (n, c, h, w), the sum where
 * overlapping windows chose the same element, zero where no window chose (including rows and columns
 * that floor mode drops).
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
    // Overlapping windows (3×3/2) may choose one element: their gradients add.
    dx[i] += dy[o];
  }
  return dx;
}
