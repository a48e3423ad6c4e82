import { expectLength } from './expect_length.ts';

/**
 * One gradient-ascent step of a class model about an anchor image I₀, inside per-channel bounds:
 * clamp(I + η (g − 2λ (I − I₀)), lower_c, upper_c), the ascent on S_c(I) − λ‖I − I₀‖². `image` and
 * `gradient` are (N, C, H, W) with C = `lower.length` and H·W = `anchor.length / C`; `anchor` one (C, H, W).
 */
export function anchoredAscentStep(
  image: ArrayLike<number>,
  gradient: ArrayLike<number>,
  anchor: ArrayLike<number>,
  bounds: { readonly lower: readonly number[]; readonly upper: readonly number[] },
  learningRate: number,
  l2: number,
): Float64Array {
  expectLength('anchored_ascent_step', 'gradient', gradient, [image.length]);
  const channels = bounds.lower.length;
  const plane = anchor.length / channels;
  if (!Number.isInteger(plane) || image.length % anchor.length !== 0 || bounds.upper.length !== channels) {
    throw new RangeError(`anchored_ascent_step: an image of ${image.length} values, an anchor of ${anchor.length} and ${channels} channels do not fit`);
  }
  const next = new Float64Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const pixel = i % anchor.length;
    const c = Math.floor(pixel / plane);
    const value = image[i] + learningRate * (gradient[i] - 2 * l2 * (image[i] - anchor[pixel]));
    next[i] = Math.min(bounds.upper[c], Math.max(bounds.lower[c], value));
  }
  return next;
}
