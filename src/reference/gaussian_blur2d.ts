import type { ImageShape } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * A Gaussian blur of standard deviation σ pixels over every (h, w) plane, the border pixel repeated past
 * the edges: the kernel k[a] ∝ exp(−a²/2σ²) for |a| ≤ ⌈3σ⌉, scaled to sum to 1, applied along rows and
 * columns alike.
 */
export function gaussianBlur2d(s: ImageShape, x: ArrayLike<number>, sigma: number): Float64Array {
  expectLength('gaussian_blur2d', 'x', x, [s.n, s.c, s.h, s.w]);
  const r = Math.ceil(3 * sigma);
  const raw = Array.from({ length: 2 * r + 1 }, (_, k) => Math.exp(-((k - r) ** 2) / (2 * sigma * sigma)));
  const total = raw.reduce((a, b) => a + b, 0);
  const kernel = raw.map((v) => v / total);
  const clamp = (v: number, size: number) => Math.min(size - 1, Math.max(0, v));
  const y = new Float64Array(s.n * s.c * s.h * s.w);
  for (let plane = 0; plane < s.n * s.c; plane++) {
    for (let i = 0; i < s.h; i++) {
      for (let j = 0; j < s.w; j++) {
        let sum = 0;
        for (let a = -r; a <= r; a++) {
          for (let b = -r; b <= r; b++) {
            sum += kernel[a + r] * kernel[b + r] * x[(plane * s.h + clamp(i + a, s.h)) * s.w + clamp(j + b, s.w)];
          }
        }
        y[(plane * s.h + i) * s.w + j] = sum;
      }
    }
  }
  return y;
}
