import type { FidelityReport } from '../evaluation/mod.ts';

/**
 * A fidelity report as terminal lines: one row per method, deletion AUC (lower is better) and insertion AUC
 * (higher is better), each with its 95% bootstrap interval, under a line saying what was measured.
 */
export function formatFidelityTable(report: FidelityReport): string[] {
  const { run } = report;
  const protocol = run.protocol === 'rise' ? `RISE, ${run.pixels_per_step} pixels a step (${run.steps} steps)` : `${run.steps} steps, baseline ${run.baseline}`;
  const shard = run.shard === '0/1' ? '' : `, shard ${run.shard} (${run.items.length} of ${run.count} items)`;
  const lines = [
    `${run.source}: ${run.items.length} images, ${protocol}, score ${run.score} of the ${run.target === 'true' ? 'true' : 'top'} class${shard}; ` +
      `95% intervals: percentile bootstrap, ${run.bootstrap.resamples} resamples`,
  ];
  const cell = (auc: number, [low, high]: readonly [number, number]) => `${auc.toFixed(4)} [${low.toFixed(4)}, ${high.toFixed(4)}]`.padStart(26);
  lines.push(`${'method'.padEnd(12)}${'deletion ↓'.padStart(26)}${'insertion ↑'.padStart(26)}`);
  for (const [method, { deletion, insertion }] of report.results) {
    lines.push(`${method.padEnd(12)}${cell(deletion.auc, deletion.interval)}${cell(insertion.auc, insertion.interval)}`);
  }
  return lines;
}
