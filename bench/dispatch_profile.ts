// `node .ci/build.mjs dispatch-profile && node .build/bench/dispatch-profile.mjs [--batches 1,16] [--winograd]`
// GPU time of VGG16's saliency map (forward + gradient, random weights) at batch 1 and 16 by pipeline, each
// dispatch in its own pass between timestamps, then the 12 slowest dispatches. Times between two
// submissions (the backward pass starts one) include the wait for the CPU to encode the next. The first
// of the three rounds a batch also makes what the model keeps (weight layouts, Winograd transforms).
import { Gpu, requestGpu } from '../src/gpu/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { initVggWeights, vggGraph, vggPreset } from '../src/model/mod.ts';
import { Random } from '../src/random/mod.ts';
import { readTimestamps } from './read_timestamps.ts';
const args = process.argv.slice(2);
const at = args.indexOf('--batches');
const batches = at >= 0 ? args[at + 1].split(',').map(Number) : [1, 16];
if (!batches.every((n) => Number.isInteger(n) && n > 0)) throw new RangeError(`dispatch-profile: --batches takes positive integers, not ${args[at + 1]}`);
const gpu = await requestGpu();
const random = new Random(20140101);
const spec = vggPreset('vgg16');
const graph = vggGraph({ spec, weights: initVggWeights(spec, random) });
const MAX = 4096;
const querySet = gpu.device.createQuerySet({ type: 'timestamp', count: MAX });
const labels: string[] = [];
let recording = false;
const original = Gpu.prototype.dispatch;
Gpu.prototype.dispatch = function (this: Gpu, pipeline, params, bindings, workgroups) {
  if (recording && labels.length < MAX - 1) {
    this.timestamp(querySet, labels.length);
    labels.push(`${pipeline.label} ${workgroups.join('×')}`);
  }
  original.call(this, pipeline, params, bindings, workgroups);
};
const model = GraphModel.create(gpu, graph, { winograd: args.includes('--winograd') });
for (const n of batches) {
  const input = random.uniformArray(n * model.inputSize);
  const dLogits = model.oneHot(n, Array.from({ length: n }, (_, i) => i % model.classes));
  for (let round = 0; round < 3; round++) {
    labels.length = 0;
    recording = round === 2;
    await model.forward(input, n);
    await model.backward(dLogits, 'gradient');
    recording = false;
    if (round < 2) {
      await gpu.sync();
      continue;
    }
    gpu.timestamp(querySet, labels.length);
    const t = await readTimestamps(gpu, querySet, labels.length + 1);
    const by = new Map<string, { count: number; ms: number }>();
    let total = 0;
    labels.forEach((label, i) => {
      const ms = Number(t[i + 1] - t[i]) / 1e6;
      total += ms;
      const key = label.replace(/ [\d×]+$/, '');
      const row = by.get(key) ?? { count: 0, ms: 0 };
      row.count++;
      row.ms += ms;
      by.set(key, row);
    });
    console.log(`\nbatch ${n}: ${labels.length} dispatches, ${total.toFixed(3)} ms`);
    for (const [k, r] of [...by].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${k.padEnd(48)}${String(r.count).padStart(5)} ${r.ms.toFixed(3).padStart(9)} ms`);
    // The 12 slowest single dispatches.
    const single = labels.map((l, i) => [l, Number(t[i + 1] - t[i]) / 1e6] as const).sort((a, b) => b[1] - a[1]).slice(0, 12);
    for (const [l, ms] of single) console.log(`    ${l.padEnd(56)} ${ms.toFixed(3)} ms`);
  }
}
// What the model kept of its weights (4-byte elements), against the weights themselves.
const weights = [...graph.weights.values()].reduce((sum, w) => sum + w.length, 0);
console.log(`\nkept: ${model.weightLayoutElements} elements of weight layouts, ${model.winogradWeightElements} of Winograd transforms; the weights hold ${weights}`);
model.destroy();
querySet.destroy();
