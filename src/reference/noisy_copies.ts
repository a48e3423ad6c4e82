import { expectLength } from './expect_length.ts';

/** The PCG output hash of a u32 (Jarzynski & Olano 2020), in the same wrapping integer arithmetic as WGSL. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/**
 * The standard normal draw of element e of copy t under `seed`, as shaders/noisy_copies.wgsl makes it
 * (the same integers; Box–Muller in float64): stream = pcg(seed + pcg(t)), h1 = pcg(pcg(e) ^ stream),
 * h2 = pcg(h1), u1 = (h1 >> 8 + 1)/2²⁴, u2 = (h2 >> 8)/2²⁴, z = √(−2 ln u1) cos(2π u2).
 */
export function counterNormal(seed: number, t: number, e: number): number {
  const stream = pcgHash((seed + pcgHash(t)) >>> 0);
  const h1 = pcgHash((pcgHash(e) ^ stream) >>> 0);
  const h2 = pcgHash(h1);
  const u1 = ((h1 >>> 8) + 1) / 16777216;
  const u2 = (h2 >>> 8) / 16777216;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * SmoothGrad's noisy copies `first` … `first + count − 1` of n images with `samples` copies each: copy t is
 * image i = ⌊t/samples⌋ plus σ_i · counterNormal(seed, offset + t, e) at element e. x: (n, size)  sigma: (n)  →  (count, size).
 */
export function noisyCopies(
  x: ArrayLike<number>,
  sigma: ArrayLike<number>,
  n: number,
  size: number,
  samples: number,
  seed: number,
  first: number,
  count: number,
  offset = 0,
): Float64Array {
  expectLength('noisy_copies', 'x', x, [n, size]);
  expectLength('noisy_copies', 'sigma', sigma, [n]);
  const out = new Float64Array(count * size);
  for (let k = 0; k < count; k++) {
    const t = first + k;
    const image = Math.floor(t / samples);
    for (let e = 0; e < size; e++) out[k * size + e] = x[image * size + e] + sigma[image] * counterNormal(seed, offset + t, e);
  }
  return out;
}
