// The table of docs/performance.md on the direct convs split over their input channels on a GPU: the table
// bench/conv_split.ts printed on an H200, every row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The run the table reads. */
export const H200_CONV_SPLIT = '2026-12-04-nvidia-h200-conv-split.md';

export function gpuConvSplitTable(): string {
  const lines = readFileSync(join('bench', 'results', H200_CONV_SPLIT), 'utf8').split('\n').filter((line) => line.startsWith('|'));
  const [header, rule, ...rows] = lines;
  if (!header?.startsWith('| layer | batch | pass | splits |') || rows.length === 0) throw new RangeError(`gpu conv split table: ${H200_CONV_SPLIT} has no table of bench/conv_split.ts`);
  return [header, rule, ...rows].join('\n');
}
