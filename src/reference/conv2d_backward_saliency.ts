import type { Conv2dShape } from '../shapes/mod.ts';
import { conv2dBackwardInput } from './conv2d.ts';
import { saliencyMap } from './saliency.ts';

/**
 * The gradient to a first conv's input and its saliency map, as conv2d_backward_saliency fuses them: the
 * float64 gradient to the input, then maxᶜ |dx| per pixel. dy: (n, k, oh, ow)  weight: (k, c, size, size)
 * →  dx: (n, c, h, w)  map: (n, h, w).
 */
export function conv2dBackwardSaliency(s: Conv2dShape, dy: ArrayLike<number>, weight: ArrayLike<number>): { dx: Float64Array; map: Float64Array } {
  const dx = conv2dBackwardInput(s, dy, weight);
  return { dx, map: saliencyMap(s, dx) };
}
