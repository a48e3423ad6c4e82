// `node .ci/build.mjs saliency-fusion && node .build/bench/saliency-fusion.mjs [--runs R]`
// Times the first conv's gradient to the input with the saliency map, fused and not, at the first layers of
// VGG16 (batch 1 and 8), a ResNet's 7×7 stride-2 stem and the shipped models (batch 10): conv2d_backward_input's
// default then saliency_map (what GraphModel ran before), that default alone, and conv2d_backward_saliency's
// variants 1 and 2 (where they take the shape), each checked against the float64 map at sampled pixels
// first. Each time is the fastest of R alternating rounds (the median of 3 runs in each). Writes
// bench/results/saliency-fusion-<date>-<adapter>.json, from which conv2dBackwardSaliencyVariant takes its
// choice by hand.

import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { requestGpu } from '../src/gpu/mod.ts';
import * as nn from '../src/nn/mod.ts';
import { Random } from '../src/random/mod.ts';
import { type Conv2dShape, conv2dOutputSize } from '../src/shapes/mod.ts';
import { conv2dBackwardInputAt } from './sampled_reference.ts';
import { adapterSlug } from './results.ts';
import { Timer } from './timer.ts';

const SHAPES: Array<[string, Conv2dShape]> = [
  ['VGG16 conv1_1', { n: 1, c: 3, h: 224, w: 224, k: 64, size: 3, pad: 1 }],
  ['VGG16 conv1_1', { n: 8, c: 3, h: 224, w: 224, k: 64, size: 3, pad: 1 }],
  ['ResNet stem', { n: 1, c: 3, h: 224, w: 224, k: 64, size: 7, pad: 3, stride: 2, pads: [3, 3, 3, 3] }],
  ['vgg-cluttered conv 1', { n: 10, c: 3, h: 64, w: 64, k: 32, size: 3, pad: 1 }],
  ['vgg-fashion conv 1', { n: 10, c: 1, h: 28, w: 28, k: 32, size: 3, pad: 1 }],
];

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const rounds = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const gpu = await requestGpu();
const timer = new Timer(gpu);
const random = new Random(20261203);
const load = loadavg();
const rows: Array<Record<string, unknown>> = [];
for (const [layer, s] of SHAPES) {
  const [oh, ow] = conv2dOutputSize(s);
  const dyData = random.uniformArray(s.n * s.k * oh * ow);
  const wData = random.uniformArray(s.k * s.c * s.size * s.size);
  const dy = gpu.tensorFrom(dyData, 'dy');
  const w = gpu.tensorFrom(wData, 'weight');
  const dx = gpu.tensor(s.n * s.c * s.h * s.w, 'dx');
  const map = gpu.tensor(s.n * s.h * s.w, 'map');
  const image = { n: s.n, c: s.c, h: s.h, w: s.w };
  const unfused = nn.conv2dBackwardInputVariant(gpu, s, false);
  const cases: Array<[string, () => Promise<void>]> = [
    [`conv2d_backward_input v${unfused} + saliency_map`, async () => {
      await nn.conv2dBackwardInput(gpu, s, dy, w, dx);
      await nn.saliencyMap(gpu, image, dx, map);
    }],
    [`conv2d_backward_input v${unfused} alone`, () => nn.conv2dBackwardInput(gpu, s, dy, w, dx)],
    ...nn.CONV2D_BACKWARD_SALIENCY_VARIANTS.filter((v) => v === 1 ? s.c <= nn.SALIENCY_CHANNELS : unfused === 5)
      .map((v): [string, () => Promise<void>] => [`conv2d_backward_saliency v${v}`, () => nn.conv2dBackwardSaliency(gpu, s, dy, w, dx, map, v)]),
  ];
  const best = cases.map(() => Infinity);
  for (const [, run] of cases) {
    await run();
    // The map at sampled pixels against maxᶜ |float64 gradient|.
    const got = await gpu.read(map);
    const plane = s.h * s.w;
    let worst = 0;
    let largest = 0;
    for (let t = 0; t < 256; t++) {
      const i = random.int(got.length);
      let most = 0;
      for (let c = 0; c < s.c; c++) most = Math.max(most, Math.abs(conv2dBackwardInputAt(s, dyData, wData, (Math.floor(i / plane) * s.c + c) * plane + (i % plane))));
      worst = Math.max(worst, Math.abs(got[i] - most));
      largest = Math.max(largest, most);
    }
    if (!(worst <= 1e-4 * largest)) throw new Error(`${layer}: the map is wrong (error ${worst} of ${largest})`);
  }
  for (let r = 0; r < rounds; r++) {
    for (const [i, [, run]] of cases.entries()) best[i] = Math.min(best[i], (await timer.time(run, 3)).medianMs);
  }
  for (const [i, [kernel]] of cases.entries()) {
    rows.push({ layer, batch: s.n, shape: s, kernel, ms: best[i] });
    console.log(`${layer.padEnd(22)}${String(s.n).padStart(3)}  ${kernel.padEnd(44)}${best[i].toFixed(2).padStart(9)} ms`);
  }
  for (const t of [dy, w, dx, map]) t.buffer.destroy();
}
const date = new Date().toISOString().slice(0, 10);
const slug = adapterSlug(gpu.adapterName);
const path = `bench/results/saliency-fusion-${date}-${slug}.json`;
writeFileSync(path, `${JSON.stringify({ date, adapter: gpu.adapterName, timing: timer.method, rounds, loadAverage: load, rows }, null, 2)}\n`);
console.log(`results: ${path}`);
