// The table of docs/winograd.md: per VGG16 3×3 layer and direction, the direct kernel's time beside
// Winograd F(2×2), F(4×4) and, in files that have it, F(6×6) (with the transformed weight kept, as a model
// runs them, and with the weight transformed per call), the choice WINOGRAD_TABLE makes, and the errors,
// from bench/winograd.ts's result file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { winogradTableTile } from '../src/nn/mod.ts';

/** The result file the documents quote. */
export const WINOGRAD_RESULTS = 'winograd-2026-12-04-lavapipe.json';

interface WinogradRun {
  readonly date: string;
  readonly adapter: string;
  readonly timing: string;
  readonly runs: number;
  readonly batch?: number;
  readonly loadAverage?: { readonly start: number; readonly end: number };
  readonly rows: ReadonlyArray<{
    readonly layer: string;
    readonly c: number;
    readonly k: number;
    readonly size: number;
    readonly direction: 'forward' | 'backward_input';
    readonly kernel: string;
    readonly ms: number;
    readonly maxRelativeError: number | null;
  }>;
}

export function winogradDocTable(file = WINOGRAD_RESULTS): string {
  const run = JSON.parse(readFileSync(join('bench', 'results', file), 'utf8')) as WinogradRun;
  const ms = (layer: string, direction: string, test: (kernel: string) => boolean) => {
    const row = run.rows.find((r) => r.layer === layer && r.direction === direction && test(r.kernel));
    if (!row) throw new RangeError(`winograd table: no ${direction} row at ${layer} in ${file}`);
    return row;
  };
  const tiles = run.rows.some((r) => r.kernel === 'winograd F(6×6)') ? [2, 4, 6] : [2, 4];
  const lines = [
    `| layer | c→k @ size | direction | direct ms | ${tiles.map((t) => `F(${t}×${t}) ms, kept (per call)`).join(' | ')} | with \`winograd: true\` | its time / direct | max rel err ${tiles.map((t) => `F(${t}×${t})`).join(', ')} |`,
    `|---|---|---|---:|${tiles.map(() => '---:|').join('')}---|---:|---:|`,
  ];
  const layers = [...new Set(run.rows.map((r) => r.layer))];
  for (const layer of layers) {
    for (const direction of ['forward', 'backward_input'] as const) {
      const direct = ms(layer, direction, (k) => k.startsWith('direct'));
      const perCall = tiles.map((t) => ms(layer, direction, (k) => k === `winograd F(${t}×${t})`));
      const kept = tiles.map((t) => ms(layer, direction, (k) => k === `winograd F(${t}×${t}) weight kept`));
      // As the kernel sees it: the gradient to the input is a convolution from k channels to c.
      const [c, k] = direction === 'forward' ? [direct.c, direct.k] : [direct.k, direct.c];
      const tile = winogradTableTile(direct.size, direct.size, c, k, run.batch ?? 1);
      if (tile !== undefined && !tiles.includes(tile)) throw new RangeError(`winograd table: WINOGRAD_TABLE picks F(${tile}×${tile}) at ${layer}, which ${file} did not time`);
      const chosen = tile === undefined ? direct : kept[tiles.indexOf(tile)];
      const error = (r: typeof direct) => (r.maxRelativeError === null ? '' : r.maxRelativeError.toExponential(1));
      lines.push([
        '', layer, `${direct.c}→${direct.k} @ ${direct.size}`, direction === 'forward' ? 'forward' : 'to the input',
        `${direct.ms.toFixed(0)} (${direct.kernel})`, ...tiles.map((_, i) => `${kept[i].ms.toFixed(0)} (${perCall[i].ms.toFixed(0)})`),
        tile ? `F(${tile}×${tile})` : direct.kernel, (chosen.ms / direct.ms).toFixed(2), perCall.map(error).join(', '), '',
      ].join(' | ').trim());
    }
  }
  const note = `From [\`bench/results/${file}\`](../bench/results/${file}): ${run.adapter}, ${run.timing}, medians of ${run.runs} interleaved rounds, batch ${run.batch ?? 1}, on 2 CPU cores${run.loadAverage ? ` (1-minute load average ${run.loadAverage.start.toFixed(1)} at the start, ${run.loadAverage.end.toFixed(1)} at the end, against 2 cores: above 2, other jobs shared them)` : ''}: compare within a row.`;
  return `${note}\n\n${lines.join('\n')}`;
}
