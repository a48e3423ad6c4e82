// `npm run bench`: times each kernel at a VGG16 layer shape (224×224 input, batch 1) on this machine's
// WebGPU adapter and prints GFLOP/s and GB/s. Each kernel is first checked against the float64
// reference at a small awkward shape, and not timed if it is wrong. Times are wall clock around each
// run, after `onSubmittedWorkDone`; the median of the runs is reported.
// `npm run bench -- conv` times only the kernels whose names contain one of the words.

import { requestGpu } from '../src/gpu/mod.ts';
import { KERNELS } from './kernels.ts';

const RUNS = 3;
const words = process.argv.slice(2);
const gpu = await requestGpu();
console.log(`adapter: ${gpu.adapterName}`);
console.log(`timing: wall clock after onSubmittedWorkDone, median of ${RUNS} runs after one warm-up\n`);
console.log('kernel                          shape                          ms     GFLOP/s   GB/s');
let failed = 0;
for (const kernel of KERNELS.filter((k) => words.length === 0 || words.some((w) => k.name.includes(w)))) {
  const problem = await kernel.validate(gpu);
  if (problem) {
    failed++;
    console.log(`${kernel.name.padEnd(32)}WRONG, not timed: ${problem}`);
    continue;
  }
  const run = await kernel.prepare(gpu);
  await run();
  await gpu.sync();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    await gpu.sync();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  const gflops = kernel.flops / ms / 1e6;
  const gbs = kernel.bytes / ms / 1e6;
  console.log(`${kernel.name.padEnd(32)}${kernel.shape.padEnd(28)}${ms.toFixed(2).padStart(9)}${gflops.toFixed(2).padStart(10)}${gbs.toFixed(2).padStart(8)}`);
}
process.exit(failed > 0 ? 1 : 0);
