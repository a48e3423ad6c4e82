// The benchmark's saved results (bench/results/*.json), their Markdown table, and the comparison of two runs.

import { type HostInfo, hostLine } from './host.ts';

export interface KernelResult {
  readonly kernel: string;
  readonly layer: string;
  readonly batch: number;
  readonly shape: string;
  readonly flops: number;
  readonly bytes: number;
  readonly ms: number;
  readonly gflops: number;
  readonly gbs: number;
  shareOfBandwidth: number;
  shareOfArithmetic: number;
  readonly relativeError: number;
  /** The same op in the peers at batch 1: their time and deepinside's speed-up over them. */
  readonly peers: Array<{ readonly peer: string; readonly op: string; readonly ms: number; readonly gflops: number; readonly speedup: number }>;
}

export interface BenchResults {
  readonly date: string;
  readonly adapter: string;
  readonly timing: string;
  readonly runs: number;
  readonly command: string;
  readonly ceilings: { readonly copyGBs: number; readonly arithmeticGFLOPs: number; readonly arithmeticFrom: string };
  /** The machine's load averages (1, 5, 15 minutes) when the run began and ended: other jobs on the same CPU (absent in older files). */
  readonly load?: { readonly before: readonly number[]; readonly after: readonly number[] };
  /** The CPU, which a CPU adapter's name does not tell (absent in older files). */
  readonly host?: HostInfo;
  readonly kernels: readonly KernelResult[];
  /** Whether the end-to-end models ran their 3×3 layers by Winograd where WINOGRAD_TABLE picks it (absent: they did not). */
  readonly winograd?: boolean;
  readonly endToEnd: ReadonlyArray<{
    /** The network: VGG16 at 224×224 with random weights, or a shipped model's file (absent in older files). */
    readonly model?: string;
    readonly name: string;
    readonly batch: number;
    readonly ms: number;
    readonly msPerImage: number;
    /** For a peer's run: its time over deepinside's saliency map at batch 1. */
    readonly speedup?: number;
  }>;
  /** Where a network's saliency map spends its time, by pass and node type (absent in older files). */
  readonly nodeTypes?: ReadonlyArray<{
    readonly model: string;
    readonly batch: number;
    readonly pass: 'forward' | 'backward';
    readonly op: string;
    readonly nodes: number;
    readonly ms: number;
  }>;
  /** The convs of that profile by layer shape (`size×size/stride C→K H×W`), with their FLOPs (absent in older files). */
  readonly nodeShapes?: ReadonlyArray<{
    readonly model: string;
    readonly batch: number;
    readonly pass: 'forward' | 'backward';
    readonly op: string;
    readonly layer: string;
    readonly nodes: number;
    readonly ms: number;
    readonly flops: number;
  }>;
}

/** The end-to-end network of the benchmark's first runs, and of every run's peer comparison. */
export const VGG16_RANDOM = 'VGG16 224×224, random weights';
export const RESNET50_RANDOM = 'ResNet-50 224×224, random weights (BN folded)';

/** An end-to-end time in ms: two decimals under 10 ms (the small shipped model), whole ms above. */
/** The adapter's short name in results files: 'lavapipe' for Mesa's llvmpipe, else its name in lower-case words joined by '-'. */
export function adapterSlug(adapterName: string): string {
  const name = adapterName.toLowerCase();
  return name.includes('llvmpipe') ? 'lavapipe' : name.replace(/[^a-z0-9]+/g, '-').slice(0, 40);
}

export const formatMs = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(0));

const percent = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '–');

/** The results as a Markdown table, headed by the adapter, the command and the ceilings. */
export function markdownTable(r: BenchResults): string {
  const lines = [
    `# Benchmark: ${r.adapter}`,
    '',
    `${r.date}, \`${r.command}\`; ${r.timing}, median of ${r.runs} runs.`,
    `Ceilings measured in the same run: copy ${r.ceilings.copyGBs.toFixed(2)} GB/s; ${Number.isFinite(r.ceilings.arithmeticGFLOPs) ? `arithmetic ${r.ceilings.arithmeticGFLOPs.toFixed(2)} GFLOP/s (${r.ceilings.arithmeticFrom})` : 'no arithmetic ceiling (no conv2d kernel ran)'}.`,
    ...(r.host ? [`Host: ${hostLine(r.host)}.`] : []),
    ...(r.load ? [`Load average (1, 5, 15 min) at the start ${r.load.before.map((x) => x.toFixed(1)).join(', ')}, at the end ${r.load.after.map((x) => x.toFixed(1)).join(', ')}.`] : []),
    '',
    '| kernel | layer | batch | shape | ms | GFLOP/s | GB/s | % of copy | % of arithmetic |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|',
    ...r.kernels.map(
      (k) =>
        `| ${k.kernel} | ${k.layer} | ${k.batch} | ${k.shape} | ${k.ms.toFixed(2)} | ${k.gflops.toFixed(2)} | ${k.gbs.toFixed(2)} | ${percent(k.shareOfBandwidth)} | ${percent(k.shareOfArithmetic)} |`,
    ),
  ];
  const withPeers = r.kernels.filter((k) => k.peers.length > 0);
  if (withPeers.length > 0) {
    lines.push('', '| kernel | layer | deepinside ms | peer | peer op | peer ms | deepinside speed-up |', '|---|---|---:|---|---|---:|---:|');
    for (const k of withPeers) {
      for (const p of k.peers) lines.push(`| ${k.kernel} | ${k.layer} | ${k.ms.toFixed(2)} | ${p.peer} | ${p.op} | ${p.ms.toFixed(2)} | ×${p.speedup.toFixed(2)} |`);
    }
  }
  if (r.endToEnd.length > 0) {
    lines.push('', '| end to end | model | batch | ms | ms per image | deepinside speed-up |', '|---|---|---:|---:|---:|---:|');
    for (const e of r.endToEnd) {
      lines.push(`| ${e.name} | ${e.model ?? VGG16_RANDOM} | ${e.batch} | ${formatMs(e.ms)} | ${formatMs(e.msPerImage)} | ${e.speedup === undefined ? '' : `×${e.speedup.toFixed(2)}`} |`);
    }
  }
  if (r.nodeTypes && r.nodeTypes.length > 0) {
    lines.push('', '| saliency map by node type | model | batch | pass | nodes | ms | share |', '|---|---|---:|---|---:|---:|---:|');
    for (const model of new Set(r.nodeTypes.map((t) => `${t.model}|${t.batch}`))) {
      const rows = r.nodeTypes.filter((t) => `${t.model}|${t.batch}` === model);
      const total = rows.reduce((sum, t) => sum + t.ms, 0);
      for (const t of rows) lines.push(`| ${t.op} | ${t.model} | ${t.batch} | ${t.pass} | ${t.nodes} | ${formatMs(t.ms)} | ${percent(t.ms / total)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One line per kernel found in both runs: its time then and now, and the speed-up. */
export function compareResults(earlier: BenchResults, now: BenchResults): string[] {
  const key = (k: KernelResult) => `${k.kernel}|${k.layer}|${k.batch}`;
  const before = new Map(earlier.kernels.map((k) => [key(k), k]));
  const lines: string[] = [];
  for (const k of now.kernels) {
    const old = before.get(key(k));
    if (!old) continue;
    lines.push(`${k.kernel.padEnd(26)}${k.layer.padEnd(16)}${String(k.batch).padStart(5)}  ${old.ms.toFixed(2).padStart(9)} → ${k.ms.toFixed(2).padStart(9)} ms  ×${(old.ms / k.ms).toFixed(2)}`);
  }
  return lines;
}
