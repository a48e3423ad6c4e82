/** RISE's blur for insertion: `gkern(klen=11, nsig=5)`, 11 taps. */
export const RISE_BLUR_TAPS = 11;
export const RISE_BLUR_NSIG = 5;

/**
 * The blurred copy RISE's insertion starts from (Petsiuk et al. 2018, `evaluation.py`: `gkern(11, 5)` and
 * `conv2d(x, kernel, padding=5)` per channel): the kernel is the standard normal density sampled at the 11
 * points linspace(−5, 5, 11) (one pixel apart, so σ = 1 pixel), outer product, scaled to sum to 1; pixels past
 * the edge count as 0. Computed in float64 and rounded once. x: (n, C, H, W) normalised → same shape.
 */
export function riseBlur(x: Float32Array, n: number, channels: number, height: number, width: number): Float32Array {
  const r = (RISE_BLUR_TAPS - 1) / 2;
  const raw = Array.from({ length: RISE_BLUR_TAPS }, (_, t) => {
    const at = -RISE_BLUR_NSIG + (2 * RISE_BLUR_NSIG * t) / (RISE_BLUR_TAPS - 1);
    return Math.exp(-(at * at) / 2);
  });
  // The 2-D kernel outer(k, k) / Σ outer(k, k) is the outer product of k / Σk: two 1-D passes.
  const total = raw.reduce((a, b) => a + b, 0);
  const k = raw.map((v) => v / total);
  const plane = height * width;
  const across = new Float64Array(plane);
  const y = new Float32Array(x.length);
  for (let q = 0; q < n * channels; q++) {
    const base = q * plane;
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        let sum = 0;
        for (let b = -r; b <= r; b++) if (j + b >= 0 && j + b < width) sum += k[b + r] * x[base + i * width + j + b];
        across[i * width + j] = sum;
      }
    }
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        let sum = 0;
        for (let a = -r; a <= r; a++) if (i + a >= 0 && i + a < height) sum += k[a + r] * across[(i + a) * width + j];
        y[base + i * width + j] = sum;
      }
    }
  }
  return y;
}
