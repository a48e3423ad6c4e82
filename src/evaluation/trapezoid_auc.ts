/**
 * The area under a curve s_0 … s_steps sampled evenly on [0, 1] by the trapezoid rule: the mean over
 * i < steps of (s_i + s_{i+1}) / 2, summed in order of i.
 * @throws RangeError for a curve of fewer than two points.
 * @example
 * trapezoidAuc([1, 0.5, 0]); // 0.5
 */
export function trapezoidAuc(curve: ArrayLike<number>): number {
  const steps = curve.length - 1;
  if (steps < 1) throw new RangeError(`trapezoidAuc: a curve needs two points or more, got ${curve.length}`);
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += (curve[i] + curve[i + 1]) / 2;
  return sum / steps;
}
