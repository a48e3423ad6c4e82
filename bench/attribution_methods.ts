// Times every attribution method per map on the shipped models at batch 1 and 16, and proves that
// 1,000-sample SmoothGrad and 256-step IG run on VGG16 at 224 within the adapter's memory.
//
//   node .ci/build.mjs methods && node .build/bench/attribution-methods.mjs [--reps R] [--out FILE]
//   node .build/bench/attribution-methods.mjs --vgg16 [--samples N] [--steps M] [--out FILE]
//   node .build/bench/attribution-methods.mjs --table FILE        (prints a results file as Markdown)
//   node .build/bench/attribution-methods.mjs --picture IMAGE.png --out docs/methods.png
//                                      (one scene under every method, on weights/vgg-cluttered)
//
// Times are wall clock from the call to attribute() until its maps are read back (which waits for the
// GPU), median of R runs (after one warm-up at batch 1, which compiles the pipelines), divided by the
// images in the call: per map.
import { readFileSync, writeFileSync } from 'node:fs';
import { attributionMethodsTable, type AttributionMethodsResults } from './attribution_methods_table.ts';
import { parseArgs } from 'node:util';
import { attribute, attributionBatch, ATTRIBUTION_METHODS, type AttributionMethod, colorizeMap, imageToInput, labelledGrid } from '../src/attribution/mod.ts';
import { decodePng, encodePng } from '../src/cli/mod.ts';
import { requestGpu } from '../src/gpu/mod.ts';
import { initVggWeights, loadVgg, vggPreset, vggGraph } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { Random } from '../src/random/mod.ts';

interface MethodTiming {
  readonly model: string;
  readonly method: AttributionMethod;
  readonly images: number;
  readonly msPerMap: number;
  readonly runsMs: readonly number[];
}

const { values } = parseArgs({
  options: {
    reps: { type: 'string' },
    out: { type: 'string' },
    table: { type: 'string' },
    vgg16: { type: 'boolean' },
    samples: { type: 'string' },
    steps: { type: 'string' },
    models: { type: 'string' },
    picture: { type: 'string' },
    skip: { type: 'string' },
  },
});

if (values.table) {
  printTable(JSON.parse(readFileSync(values.table, 'utf8')));
  process.exit(0);
}

const gpu = await requestGpu();
const random = new Random(1);
const started = new Date().toISOString();

if (values.picture) {
  const data = loadVgg(readFileSync('weights/vgg-cluttered.safetensors'));
  const model = GraphModel.create(gpu, vggGraph(data));
  const image = decodePng(readFileSync(values.picture), values.picture);
  const input = imageToInput(model.info, image, values.picture);
  const { width: w, height: h } = image;
  const tiles = [image];
  const labels = ['image'];
  for (const method of ATTRIBUTION_METHODS) {
    const { maps, classes } = await attribute(model, input, 1, 'top', method);
    tiles.push(colorizeMap(maps, w, h, 'inferno'));
    labels.push(method);
    if (method === 'gradient') labels[0] = `image: ${model.info.labels[classes[0]]}`;
  }
  const out = values.out ?? 'docs/methods.png';
  writeFileSync(out, encodePng(labelledGrid(tiles, labels, { columns: tiles.length, scale: 2 })));
  console.log(`${out}: ${values.picture} under ${ATTRIBUTION_METHODS.join(', ')} (defaults), inferno, each map scaled to its own maximum`);
  process.exit(0);
}

if (values.vgg16) {
  const spec = vggPreset('vgg16');
  const model = GraphModel.create(gpu, vggGraph({ spec, weights: initVggWeights(spec, random) }));
  const input = random.uniformArray(model.inputSize, -2, 2);
  const runs = [];
  for (const [method, options] of [
    ['smoothgrad', { samples: Number(values.samples ?? 1000) }],
    ['ig', { steps: Number(values.steps ?? 256) }],
  ] as const) {
    const t0 = performance.now();
    let last = 0;
    const result = await attribute(model, input, 1, 'top', method, {
      ...options,
      onProgress: (done, total) => {
        if (performance.now() - last > 30000 || done === total) {
          last = performance.now();
          console.log(`  ${method}: ${done}/${total} copies, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const finite = result.maps.every(Number.isFinite);
    console.log(`vgg16 224 ${method} ${JSON.stringify(options)}: ${seconds.toFixed(1)} s, batch ${attributionBatch(model)}, maps finite: ${finite}` +
      (result.completeness ? `, completeness gap ${result.completeness[0].toExponential(2)}` : ''));
    runs.push({ method, ...options, batch: attributionBatch(model), seconds, finite, completeness: result.completeness?.[0] });
  }
  const record = { adapter: gpu.adapterName, started, limits: gpu.limits, model: 'vgg16 (random weights) at 3×224×224', runs };
  if (values.out) writeFileSync(values.out, `${JSON.stringify(record, null, 1)}\n`);
  process.exit(0);
}

const reps = Number(values.reps ?? 3);
// model:method:batch triples not to time (the slowest, where the CPU's time is short), recorded as skipped.
const skip = new Set((values.skip ?? '').split(',').filter(Boolean));
const timings: MethodTiming[] = [];
for (const name of (values.models ?? 'vgg-fashion,vgg-cluttered').split(',')) {
  const data = loadVgg(readFileSync(`weights/${name}.safetensors`));
  const model = GraphModel.create(gpu, vggGraph(data));
  for (const images of [1, 16]) {
    const input = random.uniformArray(images * model.inputSize, -2, 2);
    for (const method of ATTRIBUTION_METHODS) {
      if (skip.has(`${name}:${method}:${images}`)) continue;
      const runsMs: number[] = [];
      // The batch-1 run's warm-up compiles the method's pipelines; batch 16 reuses them, so runs only.
      for (let r = images === 1 ? -1 : 0; r < reps; r++) {
        const t0 = performance.now();
        await attribute(model, input, images, 'top', method);
        if (r >= 0) runsMs.push(performance.now() - t0);
      }
      const median = [...runsMs].sort((a, b) => a - b)[Math.floor(runsMs.length / 2)];
      timings.push({ model: name, method, images, msPerMap: median / images, runsMs });
      console.log(`${name} ${method} batch ${images}: ${(median / images).toFixed(2)} ms per map (median of ${reps})`);
    }
  }
  model.destroy();
}
const record = {
  adapter: gpu.adapterName,
  started,
  timing: `wall clock from attribute() to its maps read back, median of ${reps} run(s) (one warm-up at batch 1), per map`,
  defaults: 'ig 32 steps, smoothgrad 50 samples, gradcam default layer, batch from attributionBatch',
  note: 'lavapipe on 2 CPU cores shared with other jobs: noisy',
  skipped: [...skip],
  timings,
};
if (values.out) writeFileSync(values.out, `${JSON.stringify(record, null, 1)}\n`);
process.exit(0);

function printTable(record: AttributionMethodsResults): void {
  console.log(attributionMethodsTable(record));
}
