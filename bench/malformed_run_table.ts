// The Markdown table of scripts/malformed_run.mjs's committed run (bench/results/malformed_run.json):
// per target, how many damaged files were refused in one line, ran, or failed. `npm run docs` writes it
// into docs/reliability.md (bench/doc_tables.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MALFORMED_RUN_RESULTS = join('bench', 'results', 'malformed_run.json');

interface MalformedRun {
  readonly seed: number;
  readonly cases: number;
  readonly results: ReadonlyArray<{ readonly target: string; readonly status: number | null; readonly problems: readonly string[] }>;
}

/** The run's seed and case count, then one row per target: files, refused (exit 1), ran (exit 0), failed (any problem). */
export function malformedRunTable(path = MALFORMED_RUN_RESULTS): string {
  const run = JSON.parse(readFileSync(path, 'utf8')) as MalformedRun;
  if (!Array.isArray(run.results) || run.results.length === 0) throw new RangeError(`doc tables: ${path} holds no results`);
  const targets = [...new Set(run.results.map((r) => r.target))];
  const rows = targets.map((target) => {
    const of = run.results.filter((r) => r.target === target);
    const failed = of.filter((r) => r.problems.length > 0);
    const ok = of.filter((r) => r.problems.length === 0);
    const label = target === 'evaluate --data' ? '`evaluate --data` (labels)' : `\`${target}\``;
    return `| ${label} | ${of.length} | ${ok.filter((r) => r.status === 1).length} | ${ok.filter((r) => r.status === 0).length} | ${failed.length} |`;
  });
  return [
    `Its run with seed ${run.seed} and ${run.cases} cases ([\`${path}\`](../${path})):`,
    '',
    '| Target | Files | Refused in one line | Ran (damage the format tolerates, e.g. a changed weight byte) | Failed |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
