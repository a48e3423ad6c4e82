// Single elements of the conv2d and linear results in float64, so that a kernel can be checked at the
// full size it is timed at: a few hundred elements cost little, while a whole VGG16 layer in float64
// JavaScript would take seconds.

import type { Random } from '../src/random/mod.ts';
import { type Conv2dShape, conv2dOutputSize, conv2dPads, type LinearShape } from '../src/shapes/mod.ts';

type Data = ArrayLike<number>;

/** Relative error ‖a − e‖/‖e‖ of `actual` against `expected(i)` over `count` random indices below `length`. */
export function sampledError(random: Random, length: number, actual: Data, expected: (i: number) => number, count = 256): number {
  let diff = 0;
  let norm = 0;
  for (let j = 0; j < count; j++) {
    const i = random.int(length);
    const e = expected(i);
    diff += (actual[i] - e) ** 2;
    norm += e * e;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}

export function conv2dForwardAt(s: Conv2dShape, x: Data, w: Data, b: Data, i: number): number {
  const [oh, ow] = conv2dOutputSize(s);
  const ox = i % ow;
  const oy = Math.floor(i / ow) % oh;
  const k = Math.floor(i / (ow * oh)) % s.k;
  const n = Math.floor(i / (ow * oh * s.k));
  const [top, left] = conv2dPads(s);
  const stride = s.stride ?? 1;
  let sum = b[k];
  for (let c = 0; c < s.c; c++) {
    for (let r = 0; r < s.size; r++) {
      const iy = oy * stride + r - top;
      if (iy < 0 || iy >= s.h) continue;
      for (let q = 0; q < s.size; q++) {
        const ix = ox * stride + q - left;
        if (ix < 0 || ix >= s.w) continue;
        sum += x[((n * s.c + c) * s.h + iy) * s.w + ix] * w[((k * s.c + c) * s.size + r) * s.size + q];
      }
    }
  }
  return sum;
}

export function conv2dBackwardInputAt(s: Conv2dShape, dy: Data, w: Data, i: number): number {
  const [oh, ow] = conv2dOutputSize(s);
  const ix = i % s.w;
  const iy = Math.floor(i / s.w) % s.h;
  const c = Math.floor(i / (s.w * s.h)) % s.c;
  const n = Math.floor(i / (s.w * s.h * s.c));
  const [top, left] = conv2dPads(s);
  const stride = s.stride ?? 1;
  let sum = 0;
  for (let k = 0; k < s.k; k++) {
    for (let r = 0; r < s.size; r++) {
      // Only the taps whose window start the stride reaches read this pixel.
      const ty = iy + top - r;
      const oy = ty / stride;
      if (ty < 0 || ty % stride !== 0 || oy >= oh) continue;
      for (let q = 0; q < s.size; q++) {
        const tx = ix + left - q;
        const ox = tx / stride;
        if (tx < 0 || tx % stride !== 0 || ox >= ow) continue;
        sum += dy[((n * s.k + k) * oh + oy) * ow + ox] * w[((k * s.c + c) * s.size + r) * s.size + q];
      }
    }
  }
  return sum;
}

export function conv2dBackwardWeightAt(s: Conv2dShape, x: Data, dy: Data, i: number): number {
  const [oh, ow] = conv2dOutputSize(s);
  const q = i % s.size;
  const r = Math.floor(i / s.size) % s.size;
  const c = Math.floor(i / (s.size * s.size)) % s.c;
  const k = Math.floor(i / (s.size * s.size * s.c));
  const [top, left] = conv2dPads(s);
  const stride = s.stride ?? 1;
  let sum = 0;
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const iy = oy * stride + r - top;
      if (iy < 0 || iy >= s.h) continue;
      for (let ox = 0; ox < ow; ox++) {
        const ix = ox * stride + q - left;
        if (ix < 0 || ix >= s.w) continue;
        sum += dy[((n * s.k + k) * oh + oy) * ow + ox] * x[((n * s.c + c) * s.h + iy) * s.w + ix];
      }
    }
  }
  return sum;
}

export function linearForwardAt(s: LinearShape, x: Data, w: Data, b: Data, i: number): number {
  const o = i % s.outFeatures;
  const n = Math.floor(i / s.outFeatures);
  let sum = b[o];
  for (let j = 0; j < s.inFeatures; j++) sum += x[n * s.inFeatures + j] * w[o * s.inFeatures + j];
  return sum;
}

export function linearBackwardInputAt(s: LinearShape, dy: Data, w: Data, i: number): number {
  const j = i % s.inFeatures;
  const n = Math.floor(i / s.inFeatures);
  let sum = 0;
  for (let o = 0; o < s.outFeatures; o++) sum += dy[n * s.outFeatures + o] * w[o * s.inFeatures + j];
  return sum;
}

export function linearBackwardWeightAt(s: LinearShape, x: Data, dy: Data, i: number): number {
  const j = i % s.inFeatures;
  const o = Math.floor(i / s.inFeatures);
  let sum = 0;
  for (let n = 0; n < s.n; n++) sum += dy[n * s.outFeatures + o] * x[n * s.inFeatures + j];
  return sum;
}
