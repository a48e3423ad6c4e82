import { expectLength } from './expect_length.ts';

/**
 * One gradient-ascent step on an image for the class model (Simonyan et al. 2014, section 2), which
 * maximises S_c(I) − λ‖I‖²: I + η (g − 2λ I), with g = ∂S_c/∂I. Any shape; image and gradient alike.
 */
export function ascentStep(
  image: ArrayLike<number>,
  gradient: ArrayLike<number>,
  learningRate: number,
  l2: number,
): Float64Array {
  expectLength('ascent_step', 'gradient', gradient, [image.length]);
  const next = new Float64Array(image.length);
  for (let i = 0; i < image.length; i++) next[i] = image[i] + learningRate * (gradient[i] - 2 * l2 * image[i]);
  return next;
}
