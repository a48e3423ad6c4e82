// The Markdown table of the attribution methods' time per map, from a results file that
// bench/attribution_methods.ts wrote (--out). `npm run docs` writes it into docs/methods.md
// (bench/doc_tables.ts); `node .build/bench/attribution-methods.mjs --table FILE` prints it.

/** One method's time on one model at one batch, as bench/attribution_methods.ts records it. */
export interface MethodTimingRecord {
  readonly model: string;
  readonly method: string;
  readonly images: number;
  readonly msPerMap: number;
}

/** A results file of bench/attribution_methods.ts. */
export interface AttributionMethodsResults {
  readonly adapter: string;
  readonly started: string;
  readonly timing: string;
  readonly timings: readonly MethodTimingRecord[];
  readonly skipped?: readonly string[];
}

/** The header line, the table (ms per map, batch 1 and 16 for each model) and the timing note. */
export function attributionMethodsTable(record: AttributionMethodsResults): string {
  const models = [...new Set(record.timings.map((t) => t.model))];
  const rows = [...new Set(record.timings.map((t) => t.method))].map((method) => {
    const cells = models.flatMap((m) => [1, 16].map((images) => {
      const t = record.timings.find((x) => x.model === m && x.method === method && x.images === images);
      return t ? t.msPerMap.toFixed(t.msPerMap < 10 ? 2 : 1) : '—';
    }));
    return `| ${method} | ${cells.join(' | ')} |`;
  });
  return [
    `Time per map (ms) on ${record.adapter}, ${record.started.slice(0, 10)}:`,
    '',
    `| method | ${models.map((m) => `${m} batch 1 | ${m} batch 16`).join(' | ')} |`,
    `|---|${models.map(() => '---:|---:').join('|')}|`,
    ...rows,
    '',
    `${record.timing}; — not measured${record.skipped?.length ? ` (skipped: ${record.skipped.join(', ')})` : ''}.`,
  ].join('\n');
}
