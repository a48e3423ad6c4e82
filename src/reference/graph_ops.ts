import { expectLength } from './expect_length.ts';

// The graph ops that VGG's references do not cover (strided and padded windows, global pooling, batch
// norm), as the plain loops `referenceGraphForward` and `referenceGraphBackward` run. Each backward is
// written as its forward's loops with the product scattered back (`+=`), so it is the forward's
// transpose by construction.

/** A k×k window at one stride over (n, c, h, w) padded by `pads` (top, left, bottom, right). */
export interface WindowShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly size: number;
  readonly stride: number;
  readonly pads: readonly [top: number, left: number, bottom: number, right: number];
}

/** Floor mode: ⌊(h + top + bottom − size)/stride⌋ + 1, likewise for the width; a RangeError below 1. */
export function windowOutputSize(op: string, s: WindowShape): readonly [number, number] {
  const oh = Math.floor((s.h + s.pads[0] + s.pads[2] - s.size) / s.stride) + 1;
  const ow = Math.floor((s.w + s.pads[1] + s.pads[3] - s.size) / s.stride) + 1;
  if (!(oh >= 1 && ow >= 1)) {
    throw new RangeError(`${op}: a ${s.size}×${s.size} window at stride ${s.stride} does not fit a ${s.h}×${s.w} input padded (${s.pads.join(', ')})`);
  }
  return [oh, ow];
}

/**
 * Convolution (cross-correlation) at a stride with zero padding: x (n, c, h, w), weight (k, c, size, size),
 * bias (k) or none → y (n, k, oh, ow).
 */
export function convForward(s: WindowShape, k: number, x: ArrayLike<number>, weight: ArrayLike<number>, bias?: ArrayLike<number>): Float64Array {
  const [oh, ow] = windowOutputSize('conv', s);
  expectLength('conv', 'x', x, [s.n, s.c, s.h, s.w]);
  expectLength('conv', 'weight', weight, [k, s.c, s.size, s.size]);
  if (bias) expectLength('conv', 'bias', bias, [k]);
  const y = new Float64Array(s.n * k * oh * ow);
  for (let n = 0; n < s.n; n++) {
    for (let o = 0; o < k; o++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let sum = bias ? bias[o] : 0;
          for (let c = 0; c < s.c; c++) {
            for (let r = 0; r < s.size; r++) {
              for (let q = 0; q < s.size; q++) {
                const iy = oy * s.stride + r - s.pads[0];
                const ix = ox * s.stride + q - s.pads[1];
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                sum += x[((n * s.c + c) * s.h + iy) * s.w + ix] * weight[((o * s.c + c) * s.size + r) * s.size + q];
              }
            }
          }
          y[((n * k + o) * oh + oy) * ow + ox] = sum;
        }
      }
    }
  }
  return y;
}

/** dy (n, k, oh, ow), weight (k, c, size, size) → dx (n, c, h, w). */
export function convBackwardInput(s: WindowShape, k: number, dy: ArrayLike<number>, weight: ArrayLike<number>): Float64Array {
  const [oh, ow] = windowOutputSize('conv_backward_input', s);
  expectLength('conv_backward_input', 'dy', dy, [s.n, k, oh, ow]);
  expectLength('conv_backward_input', 'weight', weight, [k, s.c, s.size, s.size]);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  for (let n = 0; n < s.n; n++) {
    for (let o = 0; o < k; o++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const g = dy[((n * k + o) * oh + oy) * ow + ox];
          for (let c = 0; c < s.c; c++) {
            for (let r = 0; r < s.size; r++) {
              for (let q = 0; q < s.size; q++) {
                const iy = oy * s.stride + r - s.pads[0];
                const ix = ox * s.stride + q - s.pads[1];
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                dx[((n * s.c + c) * s.h + iy) * s.w + ix] += g * weight[((o * s.c + c) * s.size + r) * s.size + q];
              }
            }
          }
        }
      }
    }
  }
  return dx;
}

/**
 * Max over each window, padding counting as −∞ (only elements of x compete; a window of padding alone is
 * refused): x (n, c, h, w) → y (n, c, oh, ow) and each output's switch, the flat index into x of the
 * element it took, the first of equal values in row-major window order (PyTorch's strict `>`).
 */
export function maxPoolForward(s: WindowShape, x: ArrayLike<number>): { y: Float64Array; switches: Uint32Array } {
  const [oh, ow] = windowOutputSize('maxpool', s);
  expectLength('maxpool', 'x', x, [s.n, s.c, s.h, s.w]);
  const y = new Float64Array(s.n * s.c * oh * ow);
  const switches = new Uint32Array(y.length);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -1;
        for (let r = 0; r < s.size; r++) {
          for (let q = 0; q < s.size; q++) {
            const iy = oy * s.stride + r - s.pads[0];
            const ix = ox * s.stride + q - s.pads[1];
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            const i = (plane * s.h + iy) * s.w + ix;
            if (best < 0 || x[i] > x[best]) best = i;
          }
        }
        if (best < 0) throw new RangeError(`maxpool: window (${oy}, ${ox}) holds only padding`);
        const o = (plane * oh + oy) * ow + ox;
        y[o] = x[best];
        switches[o] = best;
      }
    }
  }
  return { y, switches };
}

/** Each dy to its switch, summed where overlapping windows took one element: → dx (n, c, h, w). */
export function maxPoolBackward(s: WindowShape, dy: ArrayLike<number>, switches: ArrayLike<number>): Float64Array {
  const [oh, ow] = windowOutputSize('maxpool_backward', s);
  expectLength('maxpool_backward', 'dy', dy, [s.n, s.c, oh, ow]);
  expectLength('maxpool_backward', 'switches', switches, [s.n, s.c, oh, ow]);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  for (let o = 0; o < dy.length; o++) dx[switches[o]] += dy[o];
  return dx;
}

/**
 * Mean over each window: of its size² cells when `countIncludePad` (padding counts as zeros), else of
 * the cells inside x. x (n, c, h, w) → y (n, c, oh, ow).
 */
export function avgPoolForward(s: WindowShape, countIncludePad: boolean, x: ArrayLike<number>): Float64Array {
  const [oh, ow] = windowOutputSize('avgpool', s);
  expectLength('avgpool', 'x', x, [s.n, s.c, s.h, s.w]);
  const y = new Float64Array(s.n * s.c * oh * ow);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let sum = 0;
        let inside = 0;
        for (let r = 0; r < s.size; r++) {
          for (let q = 0; q < s.size; q++) {
            const iy = oy * s.stride + r - s.pads[0];
            const ix = ox * s.stride + q - s.pads[1];
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            sum += x[(plane * s.h + iy) * s.w + ix];
            inside++;
          }
        }
        y[(plane * oh + oy) * ow + ox] = sum / (countIncludePad ? s.size * s.size : inside);
      }
    }
  }
  return y;
}

/** dy (n, c, oh, ow) shared over each window as the forward divided → dx (n, c, h, w). */
export function avgPoolBackward(s: WindowShape, countIncludePad: boolean, dy: ArrayLike<number>): Float64Array {
  const [oh, ow] = windowOutputSize('avgpool_backward', s);
  expectLength('avgpool_backward', 'dy', dy, [s.n, s.c, oh, ow]);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let inside = 0;
        for (let r = 0; r < s.size; r++) {
          for (let q = 0; q < s.size; q++) {
            const iy = oy * s.stride + r - s.pads[0];
            const ix = ox * s.stride + q - s.pads[1];
            if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) inside++;
          }
        }
        const share = dy[(plane * oh + oy) * ow + ox] / (countIncludePad ? s.size * s.size : inside);
        for (let r = 0; r < s.size; r++) {
          for (let q = 0; q < s.size; q++) {
            const iy = oy * s.stride + r - s.pads[0];
            const ix = ox * s.stride + q - s.pads[1];
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            dx[(plane * s.h + iy) * s.w + ix] += share;
          }
        }
      }
    }
  }
  return dx;
}

/** Mean of each plane: x (planes, size) → y (planes), where planes = n·c and size = h·w. */
export function globalAvgPoolForward(planes: number, size: number, x: ArrayLike<number>): Float64Array {
  expectLength('globalavgpool', 'x', x, [planes, size]);
  const y = new Float64Array(planes);
  for (let p = 0; p < planes; p++) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += x[p * size + i];
    y[p] = sum / size;
  }
  return y;
}

/** dy (planes) shared equally over each plane → dx (planes, size). */
export function globalAvgPoolBackward(planes: number, size: number, dy: ArrayLike<number>): Float64Array {
  expectLength('globalavgpool_backward', 'dy', dy, [planes]);
  const dx = new Float64Array(planes * size);
  for (let p = 0; p < planes; p++) for (let i = 0; i < size; i++) dx[p * size + i] = dy[p] / size;
  return dx;
}

/**
 * y = x·scale[c] + shift[c] over x (n, c, size) (size = h·w); `shift` undefined gives the backward
 * pass's dx = dy·scale[c].
 */
export function channelAffine(
  n: number,
  c: number,
  size: number,
  x: ArrayLike<number>,
  scale: ArrayLike<number>,
  shift?: ArrayLike<number>,
): Float64Array {
  expectLength('batchnorm', 'x', x, [n, c, size]);
  expectLength('batchnorm', 'scale', scale, [c]);
  if (shift) expectLength('batchnorm', 'shift', shift, [c]);
  const y = new Float64Array(n * c * size);
  for (let b = 0; b < n; b++) {
    for (let j = 0; j < c; j++) {
      for (let i = 0; i < size; i++) {
        const at = (b * c + j) * size + i;
        y[at] = x[at] * scale[j] + (shift ? shift[j] : 0);
      }
    }
  }
  return y;
}
