import type { Random } from '../../src/random/mod.ts';
import { relativeError } from '../../src/reference/mod.ts';

export { relativeError };

type Numbers = ArrayLike<number>;

export interface CloseOptions {
  /** Largest allowed relative error ‖a − e‖/‖e‖ over the whole tensor. */
  readonly rel?: number;
  /** Per element: |a − e| ≤ atol + rtol·|e|; atol defaults to 1e-5 · max |e|. */
  readonly atol?: number;
  readonly rtol?: number;
  /** Printed with a failure so that it can be replayed. */
  readonly random?: Random;
}

/**
 * Throws unless `actual` matches `expected` element by element (atol + rtol·|e|, NaN never matches) and
 * in relative norm; the message names the first mismatches with their indices, and the seed.
 */
export function assertClose(name: string, actual: Numbers, expected: Numbers, options: CloseOptions = {}): void {
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(expected[i]));
  const { rel = 1e-4, atol = 1e-5 * largest, rtol = 1e-3, random } = options;
  const seed = random ? ` (seed ${random.seed})` : '';
  if (actual.length !== expected.length) {
    throw new Error(`${name}: ${actual.length} values, expected ${expected.length}${seed}`);
  }
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] ${a} vs ${e}`);
    }
  }
  const error = relativeError(actual, expected);
  if (count > 0 || !(error < rel)) {
    throw new Error(
      `${name}: relative error ${error.toExponential(2)} (limit ${rel}), ${count} of ${expected.length} elements off` +
        `${bad.length ? `: ${bad.join(', ')}` : ''}${seed}`,
    );
  }
}

/**
 * Throws unless `actual` equals `expected` element for element (indices such as max-pool switches, or
 * values a kernel only copies); the message names the first mismatches with their indices, and the seed.
 */
export function assertEqual(name: string, actual: Numbers, expected: Numbers, options: { readonly random?: Random } = {}): void {
  const seed = options.random ? ` (seed ${options.random.seed})` : '';
  if (actual.length !== expected.length) {
    throw new Error(`${name}: ${actual.length} values, expected ${expected.length}${seed}`);
  }
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
    }
  }
  if (count > 0) throw new Error(`${name}: ${count} of ${expected.length} elements differ: ${bad.join(', ')}${seed}`);
}
