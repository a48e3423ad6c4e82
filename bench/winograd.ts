// `node .ci/build.mjs winograd && node .build/bench/winograd.mjs [--runs R] [--batch N] [--out NAME] [words…]`
// Times the 3×3 stride-1 conv kernels side by side at VGG16's 3×3 layer shapes (224×224 input), or the
// shipped models' (SHIPPED_3X3, when a word names them): the
// direct kernel the dispatcher picked before Winograd (`directVariant`), Winograd F(2×2, 3×3) (variant 10),
// F(4×4, 3×3) (11) and F(6×6, 3×3) (12), for the forward pass and the gradient to the input, each after checking
// it against the float64 convolution at sampled elements (max|got − ref| / max|ref| over the samples,
// the issue's accuracy measure; every element is also checked finite). Winograd is timed with its
// weight transform (as conv2d_forward v10 to v12 run it) and without (the transformed weight kept, as a
// model can keep it); the weight transform is also timed alone. Writes
// bench/results/NAME.json and .md (NAME defaults to winograd-<date>-<adapter>), from which
// src/nn/winograd_table.ts takes its choices by hand.

import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { type Gpu, type GpuTensor, requestGpu } from '../src/gpu/mod.ts';
import * as nn from '../src/nn/mod.ts';
import { Random } from '../src/random/mod.ts';
import type { Conv2dShape } from '../src/shapes/mod.ts';
import { conv2dBackwardInputAt, conv2dForwardAt } from './sampled_reference.ts';
import { adapterSlug } from './results.ts';
import { Timer } from './timer.ts';

/** VGG16's distinct 3×3 conv shapes at 224×224: name, input channels, output channels, size. */
export const VGG16_3X3: ReadonlyArray<readonly [string, number, number, number]> = [
  ['conv1_1', 3, 64, 224],
  ['conv1_2', 64, 64, 224],
  ['conv2_1', 64, 128, 112],
  ['conv2_2', 128, 128, 112],
  ['conv3_1', 128, 256, 56],
  ['conv3_2', 256, 256, 56],
  ['conv4_1', 256, 512, 28],
  ['conv4_2', 512, 512, 28],
  ['conv5_1', 512, 512, 14],
];

/**
 * The shipped models' 3×3 layers after their first (Fashion-MNIST at 28×28, the colour model at 64×64), which
 * the showcase runs at batch 10: `node .build/bench/winograd.mjs --batch 10 fashion cluttered`.
 */
export const SHIPPED_3X3: ReadonlyArray<readonly [string, number, number, number]> = [
  ['fashion.2', 32, 32, 28],
  ['fashion.5', 32, 64, 14],
  ['fashion.7', 64, 64, 14],
  ['cluttered.2', 64, 64, 64],
  ['cluttered.5', 64, 128, 32],
  ['cluttered.7', 128, 128, 32],
  ['cluttered.10', 128, 256, 16],
  ['cluttered.12', 256, 256, 16],
  ['cluttered.15', 256, 256, 8],
];

const SAMPLES = 512;

interface Row {
  layer: string;
  batch: number;
  c: number;
  k: number;
  size: number;
  direction: 'forward' | 'backward_input';
  kernel: string;
  ms: number;
  /** The direct convolution's FLOPs (2·n·k·c·9·h·w) over the time: comparable across kernels. */
  effectiveGflops: number;
  maxRelativeError: number | null;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
};
const runs = Number(option('--runs', '5'));
const batch = Number(option('--batch', '1'));
const outName = option('--out', '');
const words = args;

const gpu = await requestGpu();
const timer = new Timer(gpu);
const random = new Random(20261203);
const rows: Row[] = [];
// The machine's 1-minute load average (runnable jobs, against its cores) at the start and the end: the timings are only as steady as it.
const loadStart = loadavg()[0];
console.log(`adapter: ${gpu.adapterName}; timing: ${timer.method}, median of ${runs} interleaved rounds (each after a warm-up); batch ${batch}`);
console.log(`${'layer'.padEnd(9)}${'direction'.padEnd(16)}${'kernel'.padEnd(34)}${'ms'.padStart(9)}${'GFLOP/s*'.padStart(10)}${'max rel err'.padStart(13)}`);

function upload(length: number, label: string): { tensor: GpuTensor; data: Float32Array } {
  const data = random.uniformArray(length);
  return { tensor: gpu.tensorFrom(data, label), data };
}

function sampledMaxRelative(got: Float32Array, expected: (i: number) => number): number {
  for (const v of got) if (!Number.isFinite(v)) return Number.NaN;
  let diff = 0;
  let largest = 0;
  for (let j = 0; j < SAMPLES; j++) {
    const i = random.int(got.length);
    const e = expected(i);
    diff = Math.max(diff, Math.abs(got[i] - e));
    largest = Math.max(largest, Math.abs(e));
  }
  return diff / largest;
}

interface Contender {
  readonly kernel: string;
  readonly direction: Row['direction'];
  run(): Promise<void>;
  /** Runs the kernel once and returns its error, or undefined for a part that has no output of its own. */
  check?(): Promise<number>;
}

/**
 * Checks each contender, then times them in turn, `runs` rounds, and keeps each one's median: the CPU
 * is shared with other jobs, and interleaving spreads its load over all of them alike.
 */
async function race(base: Pick<Row, 'layer' | 'batch' | 'c' | 'k' | 'size'>, flops: number, contenders: readonly Contender[]): Promise<void> {
  const errors = [];
  for (const c of contenders) errors.push(c.check ? await c.check() : null);
  const times: number[][] = contenders.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (const [i, c] of contenders.entries()) times[i].push((await timer.time(() => c.run(), 1)).medianMs);
  }
  for (const [i, c] of contenders.entries()) {
    const sorted = [...times[i]].sort((a, b) => a - b);
    const ms = sorted[Math.floor(sorted.length / 2)];
    const row: Row = { ...base, direction: c.direction, kernel: c.kernel, ms, effectiveGflops: flops / ms / 1e6, maxRelativeError: errors[i] };
    rows.push(row);
    const error = errors[i];
    console.log(`${row.layer.padEnd(9)}${row.direction.padEnd(16)}${row.kernel.padEnd(34)}${ms.toFixed(2).padStart(9)}${row.effectiveGflops.toFixed(1).padStart(10)}${(error === null ? '' : error.toExponential(2)).padStart(13)}`);
  }
}

// VGG16's layers unless words pick others; the shipped models' layers only when a word names them.
for (const [layer, c, k, size] of [...VGG16_3X3, ...SHIPPED_3X3]) {
  const shipped = SHIPPED_3X3.some(([name]) => name === layer);
  if (words.length > 0 ? !words.some((w) => layer.includes(w)) : shipped) continue;
  const s: Conv2dShape = { n: batch, c, h: size, w: size, k, size: 3, pad: 1 };
  const transposed: Conv2dShape = { n: batch, c: k, h: size, w: size, k: c, size: 3, pad: 1 };
  const flops = 2 * s.n * s.k * s.c * 9 * s.h * s.w;
  const x = upload(s.n * c * size * size, 'x');
  const w = upload(k * c * 9, 'weight');
  const b = upload(k, 'bias');
  const dy = upload(s.n * k * size * size, 'dy');
  const y = gpu.tensor(s.n * k * size * size, 'y');
  const dx = gpu.tensor(s.n * c * size * size, 'dx');
  const base = { layer, batch, c, k, size };
  const checkY = async () => sampledMaxRelative(await gpu.read(y), (i) => conv2dForwardAt(s, x.data, w.data, b.data, i));
  const checkDx = async () => sampledMaxRelative(await gpu.read(dx), (i) => conv2dBackwardInputAt(s, dy.data, w.data, i));
  const owned: GpuTensor[] = [];
  for (const direction of ['forward', 'backward_input'] as const) {
    const back = direction === 'backward_input';
    const contenders: Contender[] = [];
    const direct = nn.directVariant(gpu, size, size, back ? c : k);
    for (const variant of [direct, 10, 11, 12] as const) {
      const tile = nn.WINOGRAD_VARIANT_TILES[variant as 10 | 11 | 12] as nn.WinogradTile | undefined;
      const kernel = tile ? `winograd F(${tile}×${tile})` : `direct v${variant}`;
      const run = back
        ? () => nn.conv2dBackwardInput(gpu, s, dy.tensor, w.tensor, dx, variant)
        : () => nn.conv2dForward(gpu, s, x.tensor, w.tensor, b.tensor, y, variant);
      contenders.push({ kernel, direction, run, check: async () => (await run(), await (back ? checkDx : checkY)()) });
    }
    // Winograd with the transformed weight kept (as a model keeps it), and the transform alone.
    for (const tile of [2, 4, 6] as const) {
      const into = gpu.tensor(nn.winogradWeightLength(k, c, tile, back), 'kept transformed weight');
      owned.push(into);
      const u = await nn.conv2dWinogradWeight(gpu, w.tensor, k, c, tile, back, into);
      const run = back
        ? () => nn.conv2dWinograd(gpu, transposed, dy.tensor, u, gpu.scratch('zeros', c), dx)
        : () => nn.conv2dWinograd(gpu, s, x.tensor, u, b.tensor, y);
      contenders.push({ kernel: `winograd F(${tile}×${tile}) weight kept`, direction, run, check: async () => (await run(), await (back ? checkDx : checkY)()) });
      contenders.push({ kernel: `winograd F(${tile}×${tile}) weight transform`, direction, run: async () => void (await nn.conv2dWinogradWeight(gpu, w.tensor, k, c, tile, back, into)) });
    }
    await race(base, flops, contenders);
  }
  for (const t of [x.tensor, w.tensor, b.tensor, dy.tensor, y, dx, ...owned]) t.buffer.destroy();
}

const date = new Date().toISOString();
const load = { start: loadStart, end: loadavg()[0] };
const slug = adapterSlug(gpu.adapterName);
const name = outName || `winograd-${date.slice(0, 10)}-${slug}${batch > 1 ? `-batch${batch}` : ''}`;
const path = name.includes('/') ? name : `bench/results/${name}`;
writeFileSync(`${path}.json`, `${JSON.stringify({ date, adapter: gpu.adapterName, timing: timer.method, runs, batch, samples: SAMPLES, loadAverage: load, rows }, null, 2)}\n`);
const md = [
  `# Winograd against the direct 3×3 kernels, ${date.slice(0, 10)}, ${gpu.adapterName}`,
  '',
  `Timing: ${timer.method}, median of ${runs} rounds that time the kernels of a layer and direction in turn (each after a warm-up), on a CPU shared with other jobs (1-minute load average ${load.start.toFixed(1)} at the start, ${load.end.toFixed(1)} at the end); batch ${batch}. GFLOP/s* is the direct convolution's FLOPs (2·n·k·c·9·h·w) over the time, so kernels compare by it; the error is max|got − ref| / max|ref| at ${SAMPLES} sampled elements against the float64 convolution.`,
  '',
  '| layer | c→k @ size | direction | kernel | ms | GFLOP/s* | max rel err |',
  '|---|---|---|---|---:|---:|---:|',
  ...rows.map((r) => `| ${r.layer} | ${r.c}→${r.k} @ ${r.size} | ${r.direction} | ${r.kernel} | ${r.ms.toFixed(2)} | ${r.effectiveGflops.toFixed(1)} | ${r.maxRelativeError === null ? '' : r.maxRelativeError.toExponential(2)} |`),
  '',
];
writeFileSync(`${path}.md`, md.join('\n'));
console.log(`wrote ${path}.json and .md`);
process.exit(0);
