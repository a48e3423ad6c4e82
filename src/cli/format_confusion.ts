import type { Evaluation } from '../train/mod.ts';

/**
 * A confusion matrix as text: one row per true class (its name and its recall), one column per predicted
 * class (numbered as the rows), counts right-aligned.
 */
export function formatConfusion(evaluation: Evaluation, labels: readonly string[]): string {
  const { confusion } = evaluation;
  const widest = Math.max(...confusion.flat().map((count) => String(count).length), String(labels.length - 1).length);
  const nameWidth = Math.max(...labels.map((label, i) => `${i} ${label}`.length), 'true \\ predicted'.length);
  const cell = (text: string) => text.padStart(widest + 1);
  const lines = [`${'true \\ predicted'.padEnd(nameWidth)} ${labels.map((_, i) => cell(String(i))).join('')}   recall`];
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total > 0 ? `${((100 * row[i]) / total).toFixed(1)}%` : '-';
    lines.push(`${`${i} ${labels[i]}`.padEnd(nameWidth)} ${row.map((count) => cell(String(count))).join('')}   ${recall.padStart(6)}`);
  });
  return lines.join('\n');
}
