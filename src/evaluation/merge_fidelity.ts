import { type FidelityReport, type FidelityRun, summariseCurves } from './fidelity_report.ts';

/** The fields of a run record that every shard of one run shares. */
const SHARED: readonly (keyof FidelityRun)[] = [
  'model', 'model_sha256', 'source', 'protocol', 'steps', 'checkpoints', 'pixels', 'pixels_per_step', 'baseline', 'score', 'target', 'methods', 'method_options', 'seed', 'batch', 'count', 'bootstrap',
];

/**
 * The report of one unsharded run from the reports of its shards: curves and per-image AUCs put back in item
 * order, then the means and intervals computed exactly as the unsharded run computes them, so that the
 * result is the same to the bit. `names` name the reports in messages.
 * @throws RangeError when the shards come from different runs (model, methods, protocol, steps, … differ),
 *   overlap, or do not cover the run's items.
 */
export function mergeFidelity(reports: readonly FidelityReport[], names: readonly string[]): FidelityReport {
  if (reports.length === 0) throw new RangeError('merge: no reports given');
  const first = reports[0].run;
  reports.forEach(({ run }, r) => {
    for (const field of SHARED) {
      const [a, b] = [JSON.stringify(first[field]), JSON.stringify(run[field])];
      if (a !== b) throw new RangeError(`merge: ${names[r]} is from another run than ${names[0]}: its ${field} is ${b}, not ${a}`);
    }
  });
  const owner = new Array<number>(first.count).fill(-1);
  const place = new Array<number>(first.count).fill(-1);
  reports.forEach(({ run }, r) => {
    run.items.forEach((item, at) => {
      if (!Number.isInteger(item) || item < 0 || item >= first.count) throw new RangeError(`merge: ${names[r]} holds item ${item}, outside the run's ${first.count}`);
      if (owner[item] !== -1) throw new RangeError(`merge: item ${item} is in both ${names[owner[item]]} and ${names[r]}`);
      owner[item] = r;
      place[item] = at;
    });
  });
  const missing = owner.indexOf(-1);
  if (missing !== -1) {
    const count = owner.filter((o) => o === -1).length;
    throw new RangeError(`merge: ${count} of the run's ${first.count} items are in no file given (item ${missing} first); give every shard`);
  }
  const results = new Map(first.methods.map((method) => {
    const gather = (kind: 'deletion' | 'insertion') =>
      owner.map((r, item) => reports[r].results.get(method)![kind].curves[place[item]]);
    return [method, { deletion: summariseCurves(gather('deletion'), first.seed), insertion: summariseCurves(gather('insertion'), first.seed) }] as const;
  }));
  return { run: { ...first, items: owner.map((_, item) => item), shard: '0/1' }, results };
}
