import { BOOTSTRAP_LEVEL, BOOTSTRAP_RESAMPLES, bootstrapInterval } from './bootstrap_interval.ts';
import type { FidelityCurves } from './fidelity_curves.ts';
import { trapezoidAuc } from './trapezoid_auc.ts';

/** One curve kind (deletion or insertion) of one method over the items of a run, as the JSON file holds it. */
export interface FidelityCurveSummary {
  /** The mean over images of `auc_per_image`, summed in item order. */
  readonly auc: number;
  /** The 95% percentile bootstrap interval of `auc` (see `FidelityRun.bootstrap`). */
  readonly interval: readonly [number, number];
  readonly auc_per_image: readonly number[];
  /** One curve of steps + 1 scores per image. */
  readonly curves: readonly (readonly number[])[];
}

/** A method's two summaries. */
export interface FidelityMethodResult {
  readonly deletion: FidelityCurveSummary;
  readonly insertion: FidelityCurveSummary;
}

/**
 * What a run measured, beside its numbers: enough to refuse merging shards of different runs and to say in a
 * table how the numbers were made.
 */
export interface FidelityRun {
  /** The model file's name (not its folder) and the SHA-256 of its bytes. */
  readonly model: string;
  readonly model_sha256: string;
  /** Where the items came from: `cluttered test`, `fashion-mnist test (first 100)`, or the image files. */
  readonly source: string;
  readonly protocol: string;
  readonly steps: number;
  /** The pixels changed at each of the steps + 1 checkpoints, of `pixels` (H·W). */
  readonly checkpoints: readonly number[];
  readonly pixels: number;
  /** RISE only. */
  readonly pixels_per_step?: number;
  /** The default protocol's baseline, normalised units. */
  readonly baseline?: number;
  readonly score: string;
  readonly target: string;
  readonly methods: readonly string[];
  /**
   * The options of each method in `methods` that takes any (`ig`: steps, baseline; `smoothgrad`: samples,
   * noise, smooth_squared, seed; `gradcam`: layer, null for the default), resolved to the values used.
   * Absent in reports written before fidelity took method options.
   */
  readonly method_options?: Readonly<Record<string, Readonly<Record<string, number | boolean | string | null>>>>;
  /** Seeds the random baseline's maps and the bootstrap. */
  readonly seed: number;
  /** Images per forward pass: shards must share it for their curves to agree to the bit. */
  readonly batch: number;
  /** Items in the whole (unsharded) run. */
  readonly count: number;
  /** The items this file holds, indices into the run's items, ascending. */
  readonly items: readonly number[];
  /** `i/n`, or `0/1` for an unsharded run. */
  readonly shard: string;
  readonly bootstrap: { readonly resamples: number; readonly level: number; readonly kind: 'percentile' };
}

/** A run's JSON: its record and, keyed by method name (`maps` for `--maps`), each method's results. */
export interface FidelityReport {
  readonly run: FidelityRun;
  readonly results: ReadonlyMap<string, FidelityMethodResult>;
}

/** Summarises curves (one per image, item order) into AUCs per image, their mean and its bootstrap interval. */
export function summariseCurves(curves: readonly ArrayLike<number>[], seed: number): FidelityCurveSummary {
  const perImage = curves.map((curve) => trapezoidAuc(curve));
  let sum = 0;
  for (const a of perImage) sum += a;
  return {
    auc: sum / perImage.length,
    interval: bootstrapInterval(perImage, { seed, resamples: BOOTSTRAP_RESAMPLES, level: BOOTSTRAP_LEVEL }),
    auc_per_image: perImage,
    curves: curves.map((curve) => Array.from(curve)),
  };
}

/** A method's result from its curves. */
export function summariseFidelity(curves: FidelityCurves, seed: number): FidelityMethodResult {
  return { deletion: summariseCurves(curves.deletion, seed), insertion: summariseCurves(curves.insertion, seed) };
}

/** The JSON text of a report: `{"run": …, METHOD: {"deletion": …, "insertion": …}, …}`. */
export function fidelityJson(report: FidelityReport): string {
  return `${JSON.stringify({ run: report.run, ...Object.fromEntries(report.results) })}\n`;
}

/**
 * A report parsed back from its JSON text.
 * @throws RangeError naming `name` when the text is not a fidelity report.
 */
export function parseFidelityJson(text: string, name: string): FidelityReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`${name} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || !('run' in value)) throw new RangeError(`${name} is not a deepinside fidelity report (no "run" record)`);
  const { run, ...rest } = value as { run: FidelityRun } & Record<string, FidelityMethodResult>;
  if (typeof run !== 'object' || !Array.isArray(run.items) || !Array.isArray(run.methods) || typeof run.count !== 'number') {
    throw new RangeError(`${name}: its "run" record lacks items, methods or count`);
  }
  const results = new Map<string, FidelityMethodResult>();
  for (const method of run.methods) {
    const result = rest[method];
    for (const kind of ['deletion', 'insertion'] as const) {
      const summary = result?.[kind];
      if (!summary || !Array.isArray(summary.curves) || summary.curves.length !== run.items.length) {
        throw new RangeError(`${name}: method ${method} has no ${kind} curves for its ${run.items.length} items`);
      }
    }
    results.set(method, result);
  }
  return { run, results };
}
