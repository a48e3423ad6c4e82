/**
 * The q-quantile of a map's values, as NumPy's `np.quantile(map, q)` computes it by default (method
 * "linear", type 7 of Hyndman & Fan): sort the n values ascending, take the position q·(n − 1), and
 * interpolate linearly between the values at its floor and its ceiling, with NumPy's own two-sided formula.
 * Computed in float64: `np.quantile(map.astype(np.float64), q)` gives the same number to the last bit
 * (NumPy keeps a float32 array's quantile in float32). Several quantiles share one sort.
 *
 * @param quantiles each in [0, 1].
 * @throws RangeError for an empty map, a NaN value, or a quantile outside [0, 1].
 * @example
 * const [q30, q95] = mapQuantiles(map, [0.3, 0.95]);
 */
export function mapQuantiles(map: ArrayLike<number>, quantiles: readonly number[]): number[] {
  const n = map.length;
  if (n === 0) throw new RangeError('mapQuantiles: the map is empty');
  for (const q of quantiles) {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`mapQuantiles: quantile ${q} is not in [0, 1]`);
  }
  const sorted = Float64Array.from(map);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(sorted[i])) throw new RangeError(`mapQuantiles: the map holds NaN at index ${i}`);
  }
  sorted.sort();
  return quantiles.map((q) => {
    const position = q * (n - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, n - 1);
    const t = position - below;
    const a = sorted[below];
    const b = sorted[above];
    // NumPy's _lerp: a + (b − a)·t, computed from the nearer end so that t = 1 gives b exactly.
    const difference = b - a;
    return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
  });
}
