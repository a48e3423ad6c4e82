import { type Conv2dShape, conv2dOutputSize, conv2dPlain } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/** The output tile sizes M of the Winograd algorithms F(M×M, 3×3) the GPU kernels run. */
export type WinogradTile = 2 | 4 | 6;

/**
 * Lavin & Gray's (2016) matrices for F(M×M, 3×3) with A = M + 2 points: Bᵀ (A×A), G (A×3), Aᵀ (M×A),
 * so that Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ)] A for a 3×3 kernel g and an A×A input tile d. The points are
 * 0, ±1 and ∞ for M = 2, 0, ±1, ±2 and ∞ for M = 4, and 0, ±1, ±2, ±½ and ∞ for M = 6 (the scaling
 * NNPACK uses). The WGSL kernels (shaders/conv2d_winograd_*.wgsl)
 * spell the same matrices out; this copy is checked against the plain convolution.
 */
export const WINOGRAD_MATRICES: Readonly<Record<WinogradTile, { readonly bt: number[][]; readonly g: number[][]; readonly at: number[][] }>> = {
  2: {
    bt: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
    g: [[1, 0, 0], [1 / 2, 1 / 2, 1 / 2], [1 / 2, -1 / 2, 1 / 2], [0, 0, 1]],
    at: [[1, 1, 1, 0], [0, 1, -1, -1]],
  },
  4: {
    bt: [
      [4, 0, -5, 0, 1, 0],
      [0, -4, -4, 1, 1, 0],
      [0, 4, -4, -1, 1, 0],
      [0, -2, -1, 2, 1, 0],
      [0, 2, -1, -2, 1, 0],
      [0, 4, 0, -5, 0, 1],
    ],
    g: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
    at: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
  },
  6: {
    bt: [
      [1, 0, -21 / 4, 0, 21 / 4, 0, -1, 0],
      [0, 1, 1, -17 / 4, -17 / 4, 1, 1, 0],
      [0, -1, 1, 17 / 4, -17 / 4, -1, 1, 0],
      [0, 1 / 2, 1 / 4, -5 / 2, -5 / 4, 2, 1, 0],
      [0, -1 / 2, 1 / 4, 5 / 2, -5 / 4, -2, 1, 0],
      [0, 2, 4, -5 / 2, -5, 1 / 2, 1, 0],
      [0, -2, 4, 5 / 2, -5, -1 / 2, 1, 0],
      [0, -1, 0, 21 / 4, 0, -21 / 4, 0, 1],
    ],
    g: [
      [1, 0, 0],
      [-2 / 9, -2 / 9, -2 / 9],
      [-2 / 9, 2 / 9, -2 / 9],
      [1 / 90, 1 / 45, 2 / 45],
      [1 / 90, -1 / 45, 2 / 45],
      [32 / 45, 16 / 45, 8 / 45],
      [32 / 45, -16 / 45, 8 / 45],
      [0, 0, 1],
    ],
    at: [
      [1, 1, 1, 1, 1, 1, 1, 0],
      [0, 1, -1, 2, -2, 1 / 2, -1 / 2, 0],
      [0, 1, 1, 4, 4, 1 / 4, 1 / 4, 0],
      [0, 1, -1, 8, -8, 1 / 8, -1 / 8, 0],
      [0, 1, 1, 16, 16, 1 / 16, 1 / 16, 0],
      [0, 1, -1, 32, -32, 1 / 32, -1 / 32, 1],
    ],
  },
};

/** P · Q · Rᵀ for small dense matrices (rows of numbers). */
function sandwich(p: number[][], q: number[][], r: number[][]): number[][] {
  const pq = p.map((row) => q[0].map((_, j) => row.reduce((sum, v, i) => sum + v * q[i][j], 0)));
  return pq.map((row) => r.map((rRow) => row.reduce((sum, v, i) => sum + v * rRow[i], 0)));
}

/**
 * The 3×3 stride-1 convolution with equal padding on every side computed tile by tile with
 * F(M×M, 3×3), in float64: for each output tile of M×M pixels and each output channel k,
 * Y = Aᵀ [Σ_c (G g[k, c] Gᵀ) ⊙ (Bᵀ d[c] B)] A + bias[k], d the tile's A×A input window (zero outside).
 * In exact arithmetic it equals `conv2dForward`; the tests check it does to rounding, which checks the
 * matrices the GPU kernels copy. x: (n, c, h, w)  weight: (k, c, 3, 3)  bias: (k)  →  y: (n, k, oh, ow).
 */
export function conv2dWinograd(s: Conv2dShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, tile: WinogradTile): Float64Array {
  const plain = conv2dPlain(s);
  if (s.size !== 3 || !plain) throw new RangeError(`conv2d_winograd: takes 3×3 kernels with stride 1 and equal padding, not ${s.size}×${s.size} stride ${s.stride ?? 1}`);
  expectLength('conv2d_winograd', 'x', x, [s.n, s.c, s.h, s.w]);
  expectLength('conv2d_winograd', 'weight', weight, [s.k, s.c, 3, 3]);
  expectLength('conv2d_winograd', 'bias', bias, [s.k]);
  const { bt, g, at } = WINOGRAD_MATRICES[tile];
  const a = tile + 2;
  const [oh, ow] = conv2dOutputSize(s);
  const u = new Array<number[][]>(s.k * s.c);
  for (let k = 0; k < s.k; k++) {
    for (let c = 0; c < s.c; c++) {
      const taps = [0, 1, 2].map((r) => [0, 1, 2].map((q) => weight[((k * s.c + c) * 3 + r) * 3 + q]));
      u[k * s.c + c] = sandwich(g, taps, g);
    }
  }
  const y = new Float64Array(s.n * s.k * oh * ow);
  for (let n = 0; n < s.n; n++) {
    for (let ty = 0; ty * tile < oh; ty++) {
      for (let tx = 0; tx * tile < ow; tx++) {
        const v = new Array<number[][]>(s.c);
        for (let c = 0; c < s.c; c++) {
          const d = Array.from({ length: a }, (_, r) => Array.from({ length: a }, (_, q) => {
            const iy = ty * tile + r - plain.pad;
            const ix = tx * tile + q - plain.pad;
            return iy < 0 || iy >= s.h || ix < 0 || ix >= s.w ? 0 : x[((n * s.c + c) * s.h + iy) * s.w + ix];
          }));
          v[c] = sandwich(bt, d, bt);
        }
        for (let k = 0; k < s.k; k++) {
          const m = Array.from({ length: a }, (_, i) => Array.from({ length: a }, (_, j) => {
            let sum = 0;
            for (let c = 0; c < s.c; c++) sum += u[k * s.c + c][i][j] * v[c][i][j];
            return sum;
          }));
          const out = sandwich(at, m, at);
          for (let r = 0; r < tile && ty * tile + r < oh; r++) {
            for (let q = 0; q < tile && tx * tile + q < ow; q++) {
              y[((n * s.k + k) * oh + ty * tile + r) * ow + tx * tile + q] = out[r][q] + bias[k];
            }
          }
        }
      }
    }
  }
  return y;
}
