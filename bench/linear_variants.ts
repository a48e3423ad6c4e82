// `node .ci/build.mjs linear-variants && node .build/bench/linear-variants.mjs [--runs R] [--batches 1,16] [--out NAME]`
// Times every variant of linear_forward and linear_backward_input that runs on this adapter at VGG16's fc6
// (25088 → 4096) and fc8 (4096 → 1000), at each batch, after checking each against the float64 result at
// 256 sampled elements (relative error under 1e-4, or it is not timed and the run fails), and marks the one
// the dispatcher picks. The weight is read once a pass at batch 1, so GB/s counts the weight, x and y once.
// Writes bench/results/NAME.md (NAME defaults to linear-variants-<date>-<adapter>).

import { writeFileSync } from 'node:fs';
import { type GpuTensor, requestGpu } from '../src/gpu/mod.ts';
import * as nn from '../src/nn/mod.ts';
import { Random } from '../src/random/mod.ts';
import type { LinearShape } from '../src/shapes/mod.ts';
import { linearBackwardInputAt, linearForwardAt, sampledError } from './sampled_reference.ts';
import { adapterSlug } from './results.ts';
import { Timer } from './timer.ts';

const LIMIT = 1e-4;
const LAYERS: ReadonlyArray<readonly [string, number, number]> = [['fc6', 25088, 4096], ['fc8', 4096, 1000]];

const { runs, batches, out } = parseArguments(process.argv.slice(2));
const gpu = await requestGpu();
const timer = new Timer(gpu);
const random = new Random(20140101);
const date = new Date().toISOString().slice(0, 10);
const lines = [
  `# linear_forward and linear_backward_input variants on ${gpu.adapterName}`,
  '',
  `${new Date().toISOString()}, \`node .build/bench/linear-variants.mjs --runs ${runs} --batches ${batches.join(',')}\`; ${timer.method}, median of ${runs} runs; * marks the dispatcher's pick.`,
  '',
  '| kernel | layer | batch | variant | ms | GB/s | relative error |',
  '|---|---|---:|---:|---:|---:|---:|',
];
let wrong = 0;
for (const [layer, inFeatures, outFeatures] of LAYERS) {
  for (const n of batches) {
    const s: LinearShape = { n, inFeatures, outFeatures };
    const bytes = 4 * (n * inFeatures + inFeatures * outFeatures + n * outFeatures);
    const data = (length: number) => random.uniformArray(length);
    const [x, w, b, dy] = [data(n * inFeatures), data(outFeatures * inFeatures), data(outFeatures), data(n * outFeatures)];
    const [xt, wt, bt, dyt] = [gpu.tensorFrom(x, 'x'), gpu.tensorFrom(w, 'weight'), gpu.tensorFrom(b, 'bias'), gpu.tensorFrom(dy, 'dy')];
    const y = gpu.tensor(n * outFeatures, 'y');
    const dx = gpu.tensor(n * inFeatures, 'dx');
    const kernels = [
      {
        kernel: 'linear_forward',
        variants: nn.LINEAR_FORWARD_VARIANTS.filter((v) => v !== 1 && (v !== 3 || gpu.subgroupSize === 8)),
        picked: nn.linearForwardVariant(gpu, s),
        run: (v: number) => nn.linearForward(gpu, s, xt, wt, bt, y, v as nn.LinearForwardVariant),
        error: async () => sampledError(random, n * outFeatures, await gpu.read(y), (i) => linearForwardAt(s, x, w, b, i)),
      },
      {
        kernel: 'linear_backward_input',
        variants: nn.LINEAR_BACKWARD_INPUT_VARIANTS.filter((v) => v !== 1 && (v !== 3 || n <= 2) && (v !== 4 || gpu.subgroupSize === 8)),
        picked: nn.linearBackwardInputVariant(gpu, s),
        run: (v: number) => nn.linearBackwardInput(gpu, s, dyt, wt, dx, v as nn.LinearBackwardInputVariant),
        error: async () => sampledError(random, n * inFeatures, await gpu.read(dx), (i) => linearBackwardInputAt(s, dy, w, i)),
      },
    ];
    for (const k of kernels) {
      for (const v of k.variants) {
        await k.run(v);
        const error = await k.error();
        const mark = v === k.picked ? '*' : '';
        if (!(error < LIMIT)) {
          wrong++;
          lines.push(`| ${k.kernel} | ${layer} | ${n} | ${v}${mark} | WRONG | | ${error.toExponential(1)} |`);
        } else {
          const { medianMs } = await timer.time(() => k.run(v), runs);
          lines.push(`| ${k.kernel} | ${layer} | ${n} | ${v}${mark} | ${medianMs.toFixed(3)} | ${(bytes / medianMs / 1e6).toFixed(0)} | ${error.toExponential(1)} |`);
        }
        console.log(lines[lines.length - 1]);
      }
    }
    for (const t of [xt, wt, bt, dyt, y, dx] as GpuTensor[]) t.buffer.destroy();
  }
}
const name = out ?? `linear-variants-${date}-${adapterSlug(gpu.adapterName)}`;
writeFileSync(`bench/results/${name}.md`, `${lines.join('\n')}\n`);
console.log(`wrote bench/results/${name}.md`);
if (wrong > 0) {
  console.error(`linear-variants: ${wrong} kernel runs off the reference by more than ${LIMIT}`);
  process.exit(1);
}

function parseArguments(args: readonly string[]): { runs: number; batches: number[]; out: string | undefined } {
  let runs = 5;
  let batches = [1, 16];
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new RangeError(`linear-variants: ${args[i - 1]} needs a value`);
      return v;
    };
    if (args[i] === '--runs') runs = Number(value());
    else if (args[i] === '--batches') batches = value().split(',').map(Number);
    else if (args[i] === '--out') out = value();
    else throw new RangeError(`linear-variants: unknown argument ${args[i]}`);
  }
  if (!(Number.isInteger(runs) && runs >= 1)) throw new RangeError(`linear-variants: --runs takes a whole number from 1, not ${runs}`);
  if (!batches.every((n) => Number.isInteger(n) && n >= 1)) throw new RangeError(`linear-variants: --batches takes whole numbers from 1, not ${batches.join(',')}`);
  return { runs, batches, out };
}
