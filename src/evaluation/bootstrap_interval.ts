import { Random } from '../random/mod.ts';

/** How `bootstrapInterval` resamples: the defaults are what `deepinside fidelity` reports. */
export interface BootstrapOptions {
  /** Resamples drawn (default 1,000). */
  readonly resamples?: number;
  /** Coverage of the interval (default 0.95). */
  readonly level?: number;
  /** Seeds the draws (default 0), so that the interval replays exactly. */
  readonly seed?: number;
}

/** Resamples and level of the interval `deepinside fidelity` reports. */
export const BOOTSTRAP_RESAMPLES = 1000;
export const BOOTSTRAP_LEVEL = 0.95;

/**
 * A percentile bootstrap interval for the mean of `values`: `resamples` means of n values drawn with
 * replacement (indices from a seeded `Random`), sorted; the interval runs from the one at
 * floor(α/2 · R) to the one at ceil((1 − α/2) · R) − 1, α = 1 − level. One value gives [value, value].
 * @throws RangeError for no values, resamples < 1 or a level outside (0, 1).
 */
export function bootstrapInterval(values: ArrayLike<number>, options: BootstrapOptions = {}): [low: number, high: number] {
  const n = values.length;
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const level = options.level ?? BOOTSTRAP_LEVEL;
  if (n === 0) throw new RangeError('bootstrapInterval: no values');
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`bootstrapInterval: resamples ${resamples} must be a whole number ≥ 1`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrapInterval: level ${level} must be in (0, 1)`);
  const random = new Random(options.seed ?? 0);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[random.int(n)];
    means[r] = sum / n;
  }
  means.sort();
  const alpha = 1 - level;
  const low = Math.min(resamples - 1, Math.floor((alpha / 2) * resamples));
  const high = Math.max(low, Math.ceil((1 - alpha / 2) * resamples) - 1);
  return [means[low], means[high]];
}
