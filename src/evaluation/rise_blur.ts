/** RISE's blur for insertion: `gkern(klen=11, nsig=5)`, 11 taps. */
export const RISE_BLUR_TAPS = 11;
export const RISE_BLUR_NSIG = 5;

/**
 * The blurred copy RISE's insertion starts from (Petsiuk et al. 2018, `evaluation.py`: `gkern(11, 5)` is
 * `scipy.ndimage.gaussian_filter` of an 11×11 unit impulse with σ = 5 pixels, then `conv2d(x, kernel,
 * padding=5)` per channel). gaussian_filter's 1-D weights reach ±round(4σ) = ±20 taps and its default
 * boundary mode, 'reflect', folds the tails past the 11×11 window back into it, so the kernel is the outer
 * product of `riseKernel1d()`: nearly flat (0.00827 at the edge, 0.00883 at the centre) and summing to 1;
 * pixels past the image's edge count as 0. Computed in float64 and rounded once. x: (n, C, H, W) normalised.
 */
export function riseBlur(x: Float32Array, n: number, channels: number, height: number, width: number): Float32Array {
  const r = (RISE_BLUR_TAPS - 1) / 2;
  const k = riseKernel1d();
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

/** One axis of RISE's kernel: scipy's gaussian_filter1d (σ = 5, truncate 4, mode 'reflect') of an 11-tap impulse. */
export function riseKernel1d(): number[] {
  const sigma = RISE_BLUR_NSIG;
  const radius = Math.floor(4 * sigma + 0.5);
  const raw = Array.from({ length: 2 * radius + 1 }, (_, t) => Math.exp(-0.5 * ((t - radius) / sigma) ** 2));
  const total = raw.reduce((a, b) => a + b, 0);
  const n = RISE_BLUR_TAPS;
  const centre = (n - 1) / 2;
  // 'reflect' extends d c b a | a b c d | d c b a: period 2n, the second half mirrored.
  const reflect = (m: number) => {
    const q = ((m % (2 * n)) + 2 * n) % (2 * n);
    return q < n ? q : 2 * n - 1 - q;
  };
  const k = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = -radius; j <= radius; j++) if (reflect(i + j) === centre) k[i] += raw[j + radius] / total;
  }
  return k;
}
