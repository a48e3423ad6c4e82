// The table of docs/performance.md on fc6 and fc8 split over the input on a GPU: each fully connected
// kernel's variant 2 beside the dispatcher's pick, from three runs of bench/linear_variants.ts on an H200,
// one for each workgroup size of linear_forward v4 (its V4_WORKGROUP edited in the bundle for 64 and 256).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The runs the table reads, by linear_forward v4's workgroup size. */
export const H200_LINEAR_RUNS: ReadonlyArray<readonly [number, string]> = [64, 128, 256].map((wg) => [wg, `2026-12-04-nvidia-h200-linear-variants-wg${wg}.md`]);

interface VariantRow {
  readonly kernel: string;
  readonly layer: string;
  readonly batch: number;
  readonly variant: number;
  readonly picked: boolean;
  readonly ms: number;
  readonly gbs: number;
}

/** The rows of one bench/linear_variants.ts table: `| kernel | layer | batch | variant[*] | ms | GB/s | error |`. */
export function readVariantRows(markdown: string, file: string): VariantRow[] {
  const rows = markdown.split('\n').filter((line) => /^\| linear_/.test(line)).map((line) => {
    const [kernel, layer, batch, variant, ms, gbs] = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (ms === 'WRONG') throw new RangeError(`gpu linear table: ${file} has a wrong ${kernel} at ${layer}, batch ${batch}`);
    return { kernel, layer, batch: Number(batch), variant: Number(variant.replace('*', '')), picked: variant.endsWith('*'), ms: Number(ms), gbs: Number(gbs) };
  });
  if (rows.length === 0 || rows.some((r) => !Number.isFinite(r.ms) || !Number.isFinite(r.batch))) throw new RangeError(`gpu linear table: ${file} has no readable rows`);
  return rows;
}

export function gpuLinearTable(): string {
  const runs = H200_LINEAR_RUNS.map(([wg, file]) => [wg, readVariantRows(readFileSync(join('bench', 'results', file), 'utf8'), file)] as const);
  // Variant 2 as the run with the dispatcher's own workgroup (128) timed it.
  const [, middle] = runs[1];
  const lines = [
    `| kernel | layer | batch | variant 2 (run ${runs[1][0]}) | pick | ${runs.map(([wg]) => `pick, run ${wg}`).join(' | ')} | pick's GB/s (run ${runs[1][0]}) |`,
    `|---|---|---:|---:|---|${runs.map(() => '---:').join('|')}|---:|`,
  ];
  for (const base of middle.filter((r) => r.variant === 2)) {
    const same = (r: VariantRow) => r.kernel === base.kernel && r.layer === base.layer && r.batch === base.batch;
    const picks = runs.map(([wg, rows]) => {
      const pick = rows.find((r) => same(r) && r.picked);
      if (!pick) throw new RangeError(`gpu linear table: no pick for ${base.kernel} at ${base.layer}, batch ${base.batch}, in the run with workgroup ${wg}`);
      return pick;
    });
    const ms = (x: number) => `${x.toFixed(3)} ms`;
    lines.push(`| ${base.kernel} | ${base.layer} | ${base.batch} | ${ms(base.ms)} | v${picks[1].variant} | ${picks.map((p) => ms(p.ms)).join(' | ')} | ${picks[1].gbs} |`);
  }
  return lines.join('\n');
}
