import { centredGaussian } from '../attribution/mod.ts';
import { Random } from '../random/mod.ts';

/** The two maps every fidelity table needs beside the methods: a seeded random map and a centred Gaussian. */
export const FIDELITY_BASELINES = ['random', 'centre'] as const;
export type FidelityBaseline = (typeof FIDELITY_BASELINES)[number];

/**
 * The map of a baseline for item `item` (H·W values): `random`, uniform values in [0, 1) from a `Random`
 * seeded by (seed, item) alone, so that an item's map is the same in every shard; `centre`, the centred
 * Gaussian exp(−r²/2σ²) with σ = min(H, W)/4 (the same for every item).
 */
export function fidelityBaselineMap(baseline: FidelityBaseline, item: number, height: number, width: number, seed: number): Float32Array {
  if (baseline === 'centre') return centredGaussian(height, width, Math.min(height, width) / 4);
  const random = new Random((Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + item) >>> 0);
  return Float32Array.from({ length: height * width }, () => random.uniform());
}
