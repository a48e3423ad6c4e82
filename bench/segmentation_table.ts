// The Markdown tables of weakly supervised segmentation on the cluttered test split, from a committed
// results file (written by `deepinside localise --segment --json`), so that the numbers quoted are generated.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Scores {
  readonly maskIou: number;
  readonly boxIou: number;
  readonly error: number;
  readonly failures?: number;
}
interface SegmentationResults {
  readonly count: number;
  readonly split: string;
  readonly model: string;
  readonly accuracy: number;
  readonly centredBox: readonly number[];
  readonly methods: Record<string, { truth: { grabCut: Scores; threshold: Scores }; top: { grabCut: Scores; threshold: Scores } }>;
  readonly grabCutFromBox: Scores;
  readonly centred: Scores;
}

/** The committed segmentation results: the newest bench/results/segmentation-*.json. */
export function segmentationResultFile(): string {
  const files = readdirSync(join('bench', 'results')).filter((f) => /^segmentation-.*\.json$/.test(f)).sort();
  if (files.length === 0) throw new RangeError('doc tables: no bench/results/segmentation-*.json');
  return join('bench', 'results', files.at(-1)!);
}

/**
 * The results' tables: each method's recipe and threshold beside the baselines, then (`topClass`, for the
 * docs; the README leaves it out) the errors of the maps of the top class.
 */
export function segmentationTable(path: string, options: { readonly topClass?: boolean } = {}): string {
  const r = JSON.parse(readFileSync(path, 'utf8')) as SegmentationResults;
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const row = (name: string, s: Scores, note = '') => `| ${name} | ${pct(s.maskIou)} | ${pct(s.boxIou)} | ${pct(s.error)} |${note}`;
  const rows: string[] = [];
  for (const [method, { truth }] of Object.entries(r.methods)) {
    rows.push(row(`${method} saliency + GrabCut (the paper's recipe)`, truth.grabCut, truth.grabCut.failures ? ` ${truth.grabCut.failures} maps could not seed` : ''));
    rows.push(row(`${method} saliency ≥ 95% quantile, no GrabCut`, truth.threshold));
  }
  rows.push(row(`GrabCut from the centred mean-size box [${r.centredBox.join(', ')}]`, r.grabCutFromBox));
  rows.push(row('the centred mean-size box itself', r.centred));
  return [
    `Weakly supervised segmentation on the first ${r.count} scenes of the cluttered ${r.split} split (${r.model}, top-1 accuracy ${pct(r.accuracy)}),`,
    `from \`${path}\`. Localisation error: the share of scenes whose box has IoU < 0.5 with the ground-truth box (the ILSVRC criterion).`,
    '',
    '| map → object | mask IoU | box IoU | localisation error (true class) |',
    '|---|---:|---:|---:|',
    ...rows,
    ...(options.topClass === false
      ? []
      : [
          '',
          '| localisation error, maps of the top class | GrabCut | ≥ 95% quantile |',
          '|---|---:|---:|',
          ...Object.entries(r.methods).map(([method, { top }]) => `| ${method} | ${pct(top.grabCut.error)} | ${pct(top.threshold.error)} |`),
        ]),
    '',
    'The paper (Simonyan et al. 2014, section 6) reports 46.4% top-5 localisation error on ILSVRC-2013 with the same recipe. ' +
      'That is a different task: 1,000 classes of natural photographs, a box counted right if any of the five top classes\' ' +
      'boxes overlaps the truth by IoU ≥ 0.5; here, 10 Fashion-MNIST classes pasted at 64×64 into synthetic clutter, one box ' +
      'per scene, for the true class (or the top-1 class). The numbers are not comparable, only the method is.',
  ].join('\n');
}
