/**
 * The protocol's checkpoints, in pixels: k_i = floor(i · H·W / steps) for i = 0 … steps, so that k_0 = 0
 * and k_steps = H·W.
 * @throws RangeError unless steps is a whole number in [1, H·W].
 */
export function fidelityCheckpoints(pixels: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > pixels) {
    throw new RangeError(`--steps ${steps} must be a whole number in [1, ${pixels}] (the image's H·W pixels)`);
  }
  return Array.from({ length: steps + 1 }, (_, i) => Math.floor((i * pixels) / steps));
}

/**
 * RISE's checkpoints (Petsiuk et al. 2018, `CausalMetric`): `pixelsPerStep` more pixels at each step,
 * k_i = min(i · pixelsPerStep, H·W) for i = 0 … ceil(H·W / pixelsPerStep).
 * @throws RangeError unless pixelsPerStep is a whole number in [1, H·W].
 */
export function riseCheckpoints(pixels: number, pixelsPerStep: number): number[] {
  if (!Number.isInteger(pixelsPerStep) || pixelsPerStep < 1 || pixelsPerStep > pixels) {
    throw new RangeError(`--pixels-per-step ${pixelsPerStep} must be a whole number in [1, ${pixels}] (the image's H·W pixels)`);
  }
  const steps = Math.ceil(pixels / pixelsPerStep);
  return Array.from({ length: steps + 1 }, (_, i) => Math.min(i * pixelsPerStep, pixels));
}
