import type { SgdMomentumOptions } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * One step of SGD with momentum as PyTorch (no dampening, not Nesterov), in place on `param` and
 * `velocity` (zeros before the first step): g' = g + wd·p;  v = μ·v + g';  p −= lr·v. Any shape.
 */
export function sgdMomentumStep(
  param: Float64Array,
  grad: ArrayLike<number>,
  velocity: Float64Array,
  o: SgdMomentumOptions,
): void {
  expectLength('sgd_momentum', 'grad', grad, [param.length]);
  expectLength('sgd_momentum', 'velocity', velocity, [param.length]);
  const weightDecay = o.weightDecay ?? 0;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] + weightDecay * param[i];
    // PyTorch seeds the buffer with g' on the first step, which is what μ·0 + g' gives from zeros.
    velocity[i] = o.momentum * velocity[i] + g;
    param[i] -= o.learningRate * velocity[i];
  }
}
