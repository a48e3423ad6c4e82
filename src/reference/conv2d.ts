import { type Conv2dShape, conv2dOutputSize, conv2dPads } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * Convolution (cross-correlation, as PyTorch and ONNX) with stride `s.stride` and zero padding
 * (`conv2dPads`): y[n, k, oy, ox] = bias[k] + Σ x[n, c, oy·stride + r − top, ox·stride + q − left]·weight[k, c, r, q].
 * x: (n, c, h, w)  weight: (k, c, size, size)  bias: (k)  →  y: (n, k, oh, ow) with oh, ow from `conv2dOutputSize`.
 */
export function conv2dForward(
  s: Conv2dShape,
  x: ArrayLike<number>,
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
): Float64Array {
  const [oh, ow] = outputSize('conv2d', s);
  const [top, left] = conv2dPads(s);
  const stride = s.stride ?? 1;
  expectLength('conv2d', 'x', x, [s.n, s.c, s.h, s.w]);
  expectLength('conv2d', 'weight', weight, [s.k, s.c, s.size, s.size]);
  expectLength('conv2d', 'bias', bias, [s.k]);
  const y = new Float64Array(s.n * s.k * oh * ow);
  for (let n = 0; n < s.n; n++) {
    for (let k = 0; k < s.k; k++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let sum = bias[k];
          for (let c = 0; c < s.c; c++) {
            for (let r = 0; r < s.size; r++) {
              for (let q = 0; q < s.size; q++) {
                const iy = oy * stride + r - top;
                const ix = ox * stride + q - left;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                sum += x[((n * s.c + c) * s.h + iy) * s.w + ix] * weight[((k * s.c + c) * s.size + r) * s.size + q];
              }
            }
          }
          y[((n * s.k + k) * oh + oy) * ow + ox] = sum;
        }
      }
    }
  }
  return y;
}

/**
 * The gradient with respect to the input: dy: (n, k, oh, ow)  weight: (k, c, size, size)  →  dx: (n, c, h, w).
 * It runs the forward loops and scatters each product back (`+=`, an input feeds many outputs), so it is
 * the forward's transpose by construction.
 */
export function conv2dBackwardInput(s: Conv2dShape, dy: ArrayLike<number>, weight: ArrayLike<number>): Float64Array {
  const [oh, ow] = outputSize('conv2d_backward_input', s);
  const [top, left] = conv2dPads(s);
  const stride = s.stride ?? 1;
  expectLength('conv2d_backward_input', 'dy', dy, [s.n, s.k, oh, ow]);
  expectLength('conv2d_backward_input', 'weight', weight, [s.k, s.c, s.size, s.size]);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  for (let n = 0; n < s.n; n++) {
    for (let k = 0; k < s.k; k++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const g = dy[((n * s.k + k) * oh + oy) * ow + ox];
          for (let c = 0; c < s.c; c++) {
            for (let r = 0; r < s.size; r++) {
              for (let q = 0; q < s.size; q++) {
                const iy = oy * stride + r - top;
                const ix = ox * stride + q - left;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                dx[((n * s.c + c) * s.h + iy) * s.w + ix] += g * weight[((k * s.c + c) * s.size + r) * s.size + q];
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
 * The gradients of the weight and bias, summed over the batch: x: (n, c, h, w)  dy: (n, k, oh, ow)
 * →  dWeight: (k, c, size, size), dBias: (k).
 */
export function conv2dBackwardWeight(
  s: Conv2dShape,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): { dWeight: Float64Array; dBias: Float64Array } {
  const [oh, ow] = outputSize('conv2d_backward_weight', s);
  const [top, left] = conv2dPads(s);
  const stride = s.stride ?? 1;
  expectLength('conv2d_backward_weight', 'x', x, [s.n, s.c, s.h, s.w]);
  expectLength('conv2d_backward_weight', 'dy', dy, [s.n, s.k, oh, ow]);
  const dWeight = new Float64Array(s.k * s.c * s.size * s.size);
  const dBias = new Float64Array(s.k);
  for (let n = 0; n < s.n; n++) {
    for (let k = 0; k < s.k; k++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const g = dy[((n * s.k + k) * oh + oy) * ow + ox];
          dBias[k] += g;
          for (let c = 0; c < s.c; c++) {
            for (let r = 0; r < s.size; r++) {
              for (let q = 0; q < s.size; q++) {
                const iy = oy * stride + r - top;
                const ix = ox * stride + q - left;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                dWeight[((k * s.c + c) * s.size + r) * s.size + q] += g * x[((n * s.c + c) * s.h + iy) * s.w + ix];
              }
            }
          }
        }
      }
    }
  }
  return { dWeight, dBias };
}

function outputSize(op: string, s: Conv2dShape): readonly [number, number] {
  const stride = s.stride ?? 1;
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`${op}: stride ${stride} must be a positive integer`);
  const pads = conv2dPads(s);
  if (!pads.every((p) => Number.isInteger(p) && p >= 0)) throw new RangeError(`${op}: padding (${pads.join(', ')}) must be non-negative integers`);
  const [oh, ow] = conv2dOutputSize(s);
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `${op}: a ${s.size}×${s.size} kernel with padding (${pads.join(', ')}) and stride ${stride} does not fit a ${s.h}×${s.w} input`,
    );
  }
  return [oh, ow];
}
