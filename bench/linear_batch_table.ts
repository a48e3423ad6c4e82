// The table of docs/linear-batch.md: the fully connected kernels at VGG16's fc6 and fc8, batch 1 and 8, before
// and after the batched kernels, the fastest of three alternating bench runs of each tree (a shared CPU).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './results.ts';

/** The runs the table reads: bench/results/linear-batch-2026-12-03-lavapipe-{before,after}-{1,2,3}.json. */
export const LINEAR_BATCH_RUNS = [1, 2, 3];
const file = (tree: 'before' | 'after', run: number) => join('bench', 'results', `linear-batch-2026-12-03-lavapipe-${tree}-${run}.json`);

export function linearBatchTable(): string {
  const runs = (tree: 'before' | 'after') => LINEAR_BATCH_RUNS.map((r) => JSON.parse(readFileSync(file(tree, r), 'utf8')) as BenchResults);
  const before = runs('before');
  const after = runs('after');
  const fastest = (results: readonly BenchResults[], kernel: string, layer: string, batch: number) => {
    const times = results.map((run) => {
      const found = run.kernels.find((k) => k.kernel === kernel && k.layer === layer && k.batch === batch);
      if (!found) throw new RangeError(`linear batch table: ${kernel} at ${layer}, batch ${batch}, is missing from a run of ${run.date}`);
      return found.ms;
    });
    return Math.min(...times);
  };
  const shapes: Record<string, string> = { fc6: 'fc6 (25088→4096)', fc8: 'fc8 (4096→1000)' };
  const lines = [
    '| kernel | layer | batch 1 before | batch 1 after | batch 8 before | batch 8 after | batch 8 after, an image |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const layer of ['fc6', 'fc8']) {
    for (const kernel of ['linear_forward', 'linear_backward_input', 'linear_backward_weight']) {
      const eight = fastest(after, kernel, layer, 8);
      // Batch 1 runs the same kernel before and after, but for the weight gradient.
      const same = kernel !== 'linear_backward_weight' ? ' (same kernel)' : '';
      lines.push(`| ${kernel} | ${kernel === 'linear_forward' ? shapes[layer] : layer} | ${fastest(before, kernel, layer, 1).toFixed(1)} | ${fastest(after, kernel, layer, 1).toFixed(1)}${same} | ${fastest(before, kernel, layer, 8).toFixed(1)} | ${eight.toFixed(1)} | ${(eight / 8).toFixed(1)} |`);
    }
  }
  return lines.join('\n');
}
