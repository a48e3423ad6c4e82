// `node .ci/build.mjs conv-split && node .build/bench/conv-split.mjs` (on a GPU: bench/gpu_pack.sh's bundling)
// conv2d_forward and conv2d_backward_input at VGG16's conv3_3, conv4_3 and conv5_3 at batch 1, 2 and 4, split
// over the input channels where directSplits says so (this adapter's fill) against never split (a Gpu with
// a CPU's fill of 1024) in one process, on the same inputs: timestamp medians of 7, and the largest
// difference between the two outputs relative to the largest unsplit value. Prints a Markdown table.
import { Gpu, requestGpu } from '../src/gpu/mod.ts';
import { conv2dBackwardInput, conv2dForward, directSplits, directVariant } from '../src/nn/mod.ts';
import { Random } from '../src/random/mod.ts';
import { Timer } from './timer.ts';
const gpu = await requestGpu();
const unsplit = new Gpu(gpu.device, gpu.adapterName, { fillInvocations: 1024 });
const timer = new Timer(gpu);
const unsplitTimer = new Timer(unsplit);
const random = new Random(7);
console.log(`adapter ${gpu.adapterName}, fill ${gpu.fillInvocations}; ${timer.method}, median of 7`);
console.log('| layer | batch | pass | splits | unsplit ms | split ms | max rel diff |');
console.log('|---|---:|---|---:|---:|---:|---:|');
for (const [layer, c, h] of [['conv3_3', 256, 56], ['conv4_3', 512, 28], ['conv5_3', 512, 14]] as const) {
  for (const n of [1, 2, 4]) {
    const s = { n, c, h, w: h, k: c, size: 3, pad: 1 };
    const x = gpu.tensorFrom(random.uniformArray(n * c * h * h), 'x');
    const w = gpu.tensorFrom(random.uniformArray(c * c * 9), 'w');
    const b = gpu.tensorFrom(random.uniformArray(c), 'b');
    const [ya, yb] = [gpu.tensor(n * c * h * h, 'ya'), gpu.tensor(n * c * h * h, 'yb')];
    const v = directVariant(gpu, h, h, c);
    const splits = directSplits(gpu, s, h, h, v, n);
    for (const pass of ['forward', 'backward_input'] as const) {
      const run = (g: Gpu, y: typeof ya) => pass === 'forward' ? conv2dForward(g, s, x, w, b, y) : conv2dBackwardInput(g, s, x, w, y);
      const slow = await unsplitTimer.time(() => run(unsplit, ya), 7);
      const fast = await timer.time(() => run(gpu, yb), 7);
      const [a, bb] = [await unsplit.read(ya), await gpu.read(yb)];
      let diff = 0;
      let top = 0;
      for (let i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - bb[i]));
        top = Math.max(top, Math.abs(a[i]));
      }
      console.log(`| ${layer} | ${n} | ${pass} | ${splits} | ${slow.medianMs.toFixed(3)} | ${fast.medianMs.toFixed(3)} | ${(diff / top).toExponential(1)} |`);
    }
    for (const t of [x, w, b, ya, yb]) t.buffer.destroy();
  }
}
