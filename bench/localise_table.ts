// The Markdown table of how well the shipped colour model's saliency maps find the object, from the
// committed `deepinside localise --json` run over the cluttered test split, so that the numbers quoted are
// generated. `npm run docs` writes it into docs/commands.md (bench/doc_tables.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The committed run: `localise --model weights/vgg-cluttered.safetensors --rule all --limit 1000 --json` (the whole split takes hours on lavapipe). */
export const LOCALISE_RESULTS = join('bench', 'results', 'localise-vgg-cluttered-test.json');

interface Scores {
  readonly inBox: number;
  readonly pointing: number;
}

/** What `deepinside localise --json` prints. */
export interface LocaliseResults {
  readonly model: string;
  readonly split: string;
  readonly count: number;
  readonly target: string;
  readonly accuracy: number;
  readonly boxArea: number;
  readonly rules: Readonly<Record<string, Scores>>;
  readonly gaussians: ReadonlyArray<Scores & { readonly sigma: number }>;
}

const isScores = (s: unknown): s is Scores =>
  typeof s === 'object' && s !== null && Number.isFinite((s as Scores).inBox) && Number.isFinite((s as Scores).pointing);

/** The file's results, checked for the fields the table reads. */
export function readLocaliseResults(path: string): LocaliseResults {
  const r = JSON.parse(readFileSync(path, 'utf8')) as LocaliseResults;
  const ok = typeof r === 'object' && r !== null && Number.isInteger(r.count) && r.count > 0 && Number.isFinite(r.accuracy) &&
    Number.isFinite(r.boxArea) && typeof r.split === 'string' && typeof r.model === 'string' && typeof r.target === 'string' &&
    typeof r.rules === 'object' && r.rules !== null && Object.values(r.rules).every(isScores) && Object.keys(r.rules).length > 0 &&
    Array.isArray(r.gaussians) && r.gaussians.every((g: unknown) => isScores(g) && Number.isFinite((g as { sigma?: unknown }).sigma));
  if (!ok) throw new RangeError(`doc tables: ${path} is not what localise --json prints ({"model", "split", "count", "target", "accuracy", "boxArea", "rules", "gaussians"})`);
  return r;
}

/** The sentence naming the run, then one row per map: each rule, each centred Gaussian, the uniform map. */
export function localiseTable(path: string): string {
  const r = readLocaliseResults(path);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const rows = [
    ...Object.entries(r.rules).map(([rule, s]) => `| saliency, ${rule}${rule === 'gradient' ? " (the paper's)" : ''} | ${pct(s.inBox)} | ${pct(s.pointing)} |`),
    ...r.gaussians.map((g) => `| centred Gaussian σ = ${g.sigma} | ${pct(g.inBox)} | ${pct(g.pointing)} |`),
    `| uniform (box area) | ${pct(r.boxArea)} | — |`,
  ];
  return [
    `On \`${r.model}\`, over the first ${r.count.toLocaleString('en-GB')} scenes of the cluttered ${r.split} split (maps of the ${r.target === 'label' ? 'true' : r.target} class; ` +
      `the model classifies ${pct(r.accuracy)} of them correctly), from [\`${path}\`](../${path.replaceAll('\\', '/')}):`,
    '',
    '| map | mass in box | pointing |',
    '|---|---:|---:|',
    ...rows,
  ].join('\n');
}
