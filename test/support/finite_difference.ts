import type { Random } from '../../src/random/mod.ts';
import { relativeError } from './compare.ts';

/** Σ a·b: the fake loss L = Σ out · dout whose gradient with respect to `out` is a random `dout`. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`dot: ${a.length} values against ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/**
 * Central differences (L(x + h) − L(x − h)) / 2h of `loss` along each coordinate of `x` in `indices`
 * (every coordinate when omitted), perturbing `x` in place and restoring it; one value per index.
 */
export function finiteDifference(
  loss: () => number,
  x: Float64Array,
  indices?: readonly number[],
  h = 1e-5,
): Float64Array {
  const chosen = indices ?? Array.from(x, (_, i) => i);
  const gradient = new Float64Array(chosen.length);
  chosen.forEach((i, j) => {
    const saved = x[i];
    x[i] = saved + h;
    const up = loss();
    x[i] = saved - h;
    const down = loss();
    x[i] = saved;
    gradient[j] = (up - down) / (2 * h);
  });
  return gradient;
}

/** The values of `values` at `indices`. */
export function pick(values: ArrayLike<number>, indices: readonly number[]): Float64Array {
  return Float64Array.from(indices, (i) => values[i]);
}

/** Throws unless ‖analytic − numeric‖ / ‖numeric‖ < `limit`, naming the tensor, the error and the seed. */
export function assertGradient(
  name: string,
  analytic: ArrayLike<number>,
  numeric: ArrayLike<number>,
  random: Random,
  limit = 1e-6,
): void {
  const seed = `seed ${random.seed}`;
  if (analytic.length !== numeric.length) {
    throw new Error(`${name}: ${analytic.length} values, expected ${numeric.length} (${seed})`);
  }
  const error = relativeError(analytic, numeric);
  if (!(error < limit)) {
    const limitAndSeed = `limit ${limit}, ${seed}`;
    throw new Error(`${name}: relative error ${error.toExponential(2)} against finite differences (${limitAndSeed})`);
  }
}
