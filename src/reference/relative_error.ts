/** ‖actual − expected‖₂ / ‖expected‖₂ (the plain difference norm when expected is all zeros); NaN anywhere gives NaN. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.NaN;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = actual[i] - expected[i];
    diff += d * d;
    norm += expected[i] * expected[i];
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}
