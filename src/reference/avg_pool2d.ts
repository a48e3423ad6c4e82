import { type AvgPool2dShape, avgPool2dOutputSize } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * Average pool (ONNX AveragePool, floor mode): x: (n, c, h, w)  →  y: (n, c, oh, ow), each output the sum
 * of its window's elements inside x divided by size² (`countIncludePad`) or by their count.
 */
export function avgPool2dForward(s: AvgPool2dShape, x: ArrayLike<number>): Float64Array {
  expectLength('avg_pool2d', 'x', x, [s.n, s.c, s.h, s.w]);
  const [oh, ow] = outputSize('avg_pool2d', s);
  const y = new Float64Array(s.n * s.c * oh * ow);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let sum = 0;
        let count = 0;
        for (let r = 0; r < s.size; r++) {
          for (let q = 0; q < s.size; q++) {
            const iy = oy * s.stride + r - s.pads[0];
            const ix = ox * s.stride + q - s.pads[1];
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            sum += x[(plane * s.h + iy) * s.w + ix];
            count++;
          }
        }
        y[(plane * oh + oy) * ow + ox] = sum / (s.countIncludePad ? s.size * s.size : count);
      }
    }
  }
  return y;
}

/**
 * Its gradient: dy: (n, c, oh, ow)  →  dx: (n, c, h, w). It runs the forward loops and scatters each
 * dy/divisor back (`+=`, overlapping windows share elements), the forward's transpose by construction.
 */
export function avgPool2dBackward(s: AvgPool2dShape, dy: ArrayLike<number>): Float64Array {
  const [oh, ow] = outputSize('avg_pool2d_backward', s);
  expectLength('avg_pool2d_backward', 'dy', dy, [s.n, s.c, oh, ow]);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const inside: number[] = [];
        for (let r = 0; r < s.size; r++) {
          for (let q = 0; q < s.size; q++) {
            const iy = oy * s.stride + r - s.pads[0];
            const ix = ox * s.stride + q - s.pads[1];
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            inside.push((plane * s.h + iy) * s.w + ix);
          }
        }
        const g = dy[(plane * oh + oy) * ow + ox] / (s.countIncludePad ? s.size * s.size : inside.length);
        for (const i of inside) dx[i] += g;
      }
    }
  }
  return dx;
}

function outputSize(op: string, s: AvgPool2dShape): readonly [number, number] {
  const [oh, ow] = avgPool2dOutputSize(s);
  if (oh < 1 || ow < 1) throw new RangeError(`${op}: a ${s.size}×${s.size} window leaves no output of a ${s.h}×${s.w} input`);
  if (!s.pads.every((p) => p < s.size)) throw new RangeError(`${op}: pads (${s.pads.join(', ')}) must each be under the window size ${s.size}`);
  return [oh, ow];
}
