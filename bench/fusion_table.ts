// The tables of docs/fusion.md: the shipped models' forward and backward passes at batch 10 with the ReLUs
// fused and not, from bench/results/fusion-2026-12-03-lavapipe.json; the first conv's gradient with the
// saliency map fused and not, from bench/results/saliency-fusion-2026-12-03-lavapipe.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FUSION_RESULTS = 'fusion-2026-12-03-lavapipe.json';
export const SALIENCY_FUSION_RESULTS = 'saliency-fusion-2026-12-03-lavapipe.json';

interface FusionRun {
  readonly rows: ReadonlyArray<{ readonly model: string; readonly kernels: string; readonly unfused: readonly number[]; readonly fused: readonly number[] }>;
}

export function fusionTable(file = FUSION_RESULTS): string {
  const run = JSON.parse(readFileSync(join('bench', 'results', file), 'utf8')) as FusionRun;
  return [
    '| model | kernels | unfused forward + backward (ms) | fused (ms) |',
    '|---|---|---|---|',
    ...run.rows.map((r) => `| ${r.model} | ${r.kernels} | ${r.unfused.join(', ')} | ${r.fused.join(', ')} |`),
  ].join('\n');
}

interface SaliencyFusionRun {
  readonly rows: ReadonlyArray<{ readonly layer: string; readonly batch: number; readonly kernel: string; readonly ms: number }>;
}

export function saliencyFusionTable(file = SALIENCY_FUSION_RESULTS): string {
  const run = JSON.parse(readFileSync(join('bench', 'results', file), 'utf8')) as SaliencyFusionRun;
  return [
    '| layer | batch | kernels | ms |',
    '|---|---:|---|---:|',
    ...run.rows.map((r) => `| ${r.layer} | ${r.batch} | ${r.kernel} | ${r.ms.toFixed(2)} |`),
  ].join('\n');
}
