import type { AdamOptions } from '../shapes/mod.ts';
import { expectLength } from './expect_length.ts';

/**
 * One Adam step as PyTorch's `torch.optim.Adam`, in place on `param` and the moments `m`, `v` (zeros
 * before the first step); `step` counts from 1 and sets the bias corrections:
 * g' = g + wd·p;  m = β₁m + (1−β₁)g';  v = β₂v + (1−β₂)g'²;
 * p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
 */
export function adamStep(
  param: Float64Array,
  grad: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  step: number,
  o: AdamOptions,
): void {
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`adam: step ${step} must be an integer from 1`);
  expectLength('adam', 'grad', grad, [param.length]);
  expectLength('adam', 'm', m, [param.length]);
  expectLength('adam', 'v', v, [param.length]);
  const weightDecay = o.weightDecay ?? 0;
  const correction1 = 1 - o.beta1 ** step;
  const correction2 = 1 - o.beta2 ** step;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] + weightDecay * param[i];
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
    // ε is added after the bias correction of √v, where PyTorch adds it.
    param[i] -= ((o.learningRate / correction1) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(correction2) + o.epsilon);
  }
}
