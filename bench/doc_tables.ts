// The tables of numbers in docs/, printed from the committed result files they quote, so that no number
// in a document is typed by hand. Each table sits in its document between
//   <!-- table:NAME -->  and  <!-- /table:NAME -->
// `npm run docs` rewrites them; `npm run docs -- --check` (and test/doc_tables.test.ts) fails when a
// document does not match its results.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fidelityResultFiles, fidelityTable } from './fidelity_table.ts';
import { type BenchResults, formatMs, type KernelResult, RESNET50_RANDOM, VGG16_RANDOM } from './results.ts';
import { segmentationResultFile, segmentationTable } from './segmentation_table.ts';
import { LOCALISE_RESULTS, localiseTable } from './localise_table.ts';
import { docValues, withValues } from './doc_values.ts';
import { hostLine } from './host.ts';
import { attributionMethodsTable, type AttributionMethodsResults } from './attribution_methods_table.ts';
import { onnxCheckTable, readOnnxCheck } from './onnx_check_table.ts';
import { malformedRunTable } from './malformed_run_table.ts';
import { winogradDocTable } from './winograd_doc_table.ts';
import { linearBatchTable } from './linear_batch_table.ts';
import { gpuLinearTable } from './gpu_linear_table.ts';
import { gpuConvSplitTable } from './gpu_conv_split_table.ts';
import { fusionTable, saliencyFusionTable } from './fusion_table.ts';

const RESULTS = join('bench', 'results');
const LAVAPIPE = '2026-11-26-mesa-software-llvmpipe-llvm-15-0-6-256-bits-llvmpipe-mesa-25-6.json';
const LAVAPIPE_BEFORE_SUBGROUPS = '2026-11-26-mesa-software-llvmpipe-llvm-15-0-6-256-bits-llvmpipe-mesa-25-6.json';
const H100_V3 = '2026-11-26-nvidia-h100-80gb-hbm3.json';
const H100_V4 = '2026-11-26-nvidia-nvidia-h100-80gb-hbm3-nvidia-580-159-04-580-159-4-0.json';

/** One generated table: the document it lives in, and its Markdown, from the result files. */
export interface DocTable {
  readonly document: string;
  readonly name: string;
  readonly markdown: string;
}

function read(file: string): BenchResults {
  return JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as BenchResults;
}

function kernel(results: BenchResults, name: string, layer: string, batch = 1): KernelResult {
  const found = results.kernels.find((k) => k.kernel === name && k.layer === layer && k.batch === batch);
  if (!found) throw new RangeError(`doc tables: ${name} at ${layer}, batch ${batch}, is not in the results of ${results.date}`);
  return found;
}

const fixed = (x: number, digits = 2) => x.toFixed(digits);
const times = (x: number) => `×${x.toFixed(2)}`;
const table = (head: readonly string[], align: readonly string[], rows: readonly (readonly string[])[]) =>
  [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

/** The lavapipe kernels beside their peers and the run before the subgroup kernels. */
function lavapipeKernels(): string {
  const now = read(LAVAPIPE);
  const before = read(LAVAPIPE_BEFORE_SUBGROUPS);
  const rows: string[][] = [];
  for (const layer of ['conv2_2', 'conv3_3', 'conv4_3']) {
    for (const [i, name] of ['conv2d_forward', 'conv2d_backward_input', 'conv2d_backward_weight'].entries()) {
      const k = kernel(now, name, layer);
      const tfjs = k.peers.find((p) => p.peer.startsWith('tfjs'));
      const ort = k.peers.find((p) => p.peer === 'onnxruntime');
      rows.push([name, i === 0 ? `${layer} ${k.shape}` : layer, fixed(k.ms), fixed(k.gflops), fixed(kernel(before, name, layer).gflops),
        tfjs ? times(tfjs.speedup) : '', ort ? times(ort.speedup) : '']);
    }
  }
  for (const [i, name] of ['linear_forward', 'linear_backward_input'].entries()) {
    const k = kernel(now, name, 'fc6');
    const b = kernel(before, name, 'fc6');
    const tfjs = k.peers.find((p) => p.peer.startsWith('tfjs'));
    const ort = k.peers.find((p) => p.peer === 'onnxruntime');
    rows.push([name, i === 0 ? `fc6 ${k.shape} (${Math.round(k.bytes / 1e6)} MB)` : 'fc6', fixed(k.ms),
      `${fixed(k.gbs)} GB/s, ${Math.round(100 * k.shareOfBandwidth)}% of copy`, `${fixed(b.gbs)} GB/s, ${Math.round(100 * b.shareOfBandwidth)}%`,
      tfjs ? `${times(tfjs.speedup)}${tfjs.peer.includes('blocks') ? ' †' : ''}` : '', ort ? times(ort.speedup) : '']);
  }
  const saliency = (r: BenchResults) => r.endToEnd.find((e) => (e.model ?? 'VGG16 224×224, random weights').startsWith('VGG16') && e.batch === 1 && e.name.startsWith('saliency map'));
  const peer = now.endToEnd.find((e) => e.speedup !== undefined && e.batch === 1);
  const s = saliency(now)!;
  const earlier = saliency(before);
  rows.push(['VGG16 saliency map, 224×224', 'forward + backward + max', s.ms.toFixed(0), '', earlier ? `(${earlier.ms.toFixed(0)} ms)` : '',
    peer ? `${times(peer.speedup!)}${peer.name.includes('blocks') ? ' †' : ''}` : '', '']);
  return table(['kernel', 'layer', 'ms', 'GFLOP/s', 'earlier GFLOP/s', 'vs TF.js WebGPU', 'vs ONNX Runtime CPU'], ['---', '---', '---:', '---:', '---:', '---:', '---:'], rows);
}

/** The shipped models end to end in the same run: one image, and per image in a batch of 16. */
function shippedModels(): string {
  const now = read(LAVAPIPE);
  const rows: string[][] = [];
  for (const model of ['weights/vgg-fashion.safetensors', 'weights/vgg-cluttered.safetensors']) {
    for (const what of ['saliency map', 'class-model step']) {
      const at = (batch: number) => now.endToEnd.find((e) => e.model === model && e.batch === batch && e.name.startsWith(what));
      const one = at(1);
      const sixteen = at(16);
      if (!one || !sixteen) throw new RangeError(`doc tables: no ${what} of ${model} at batch 1 and 16 in ${LAVAPIPE}`);
      rows.push([`\`${model}\``, what, fixed(one.ms), fixed(sixteen.msPerImage)]);
    }
  }
  return table(['model', 'pass', 'ms, batch 1', 'ms an image, batch 16'], ['---', '---', '---:', '---:'], rows);
}

/** conv2d_backward_weight v3 against v4 on the H100. */
function h100WeightGradient(): string {
  const v3 = read(H100_V3);
  const v4 = read(H100_V4);
  const rows: string[][] = [];
  for (const batch of [1, 4]) {
    for (const layer of ['conv1_1', 'conv1_2', 'conv2_2']) {
      const [a, b] = [kernel(v3, 'conv2d_backward_weight', layer, batch), kernel(v4, 'conv2d_backward_weight', layer, batch)];
      rows.push([batch === 1 ? `${layer} ${a.shape}` : layer, String(batch), `${fixed(a.ms)} ms, ${a.gflops.toFixed(0)} GFLOP/s`, `${fixed(b.ms)} ms, ${b.gflops.toFixed(0)} GFLOP/s`]);
    }
  }
  return table(['conv2d_backward_weight', 'batch', 'first H100 run (v3)', 'second run (v4)'], ['---', '---:', '---:', '---:'], rows);
}

/** A measured `npm start` on a fresh clone (bench/results/*-npm-start-*.json, written by bench/npm_start_run.sh). */
interface NpmStartRun {
  readonly date: string;
  readonly machine: string;
  readonly command: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly npmStart: { readonly wallSeconds: number; readonly userSeconds: number; readonly systemSeconds: number };
  /** npm ci's own last line, as it printed it. */
  readonly npmCi: string;
  /** showcase's OUT/timings.json from that run. */
  readonly showcase: { readonly adapter: string; readonly pipelines: number; readonly compileSeconds: number; readonly steps: readonly { step: string; seconds: number; cpuSeconds: number }[] };
}

// The latest run on an idle machine (bench/npm_start_run.sh); the earlier files are kept: -idle.json before the
// max-pool backward fix, and 2026-12-03-npm-start-lavapipe.json while eight jobs shared the machine.
const NPM_START = '2026-12-03-npm-start-lavapipe-idle-3.json';

function npmStartRun(): NpmStartRun {
  return JSON.parse(readFileSync(join(RESULTS, NPM_START), 'utf8')) as NpmStartRun;
}

/** Where a fresh clone's npm start spends its time, step by step. */
function npmStartTable(): string {
  const run = npmStartRun();
  const steps = run.showcase.steps;
  const wall = steps.reduce((t, s) => t + s.seconds, 0);
  const { wallSeconds, userSeconds, systemSeconds } = run.npmStart;
  return table(['part', 'wall s', 'CPU s'], ['---', '---:', '---:'], [
    ['all of `npm start`', wallSeconds.toFixed(0), (userSeconds + systemSeconds).toFixed(0)],
    ['set-up (npm ci, adapter probe) and bundling: the rest', (wallSeconds - wall).toFixed(0), ''],
    ...steps.map((s) => [`showcase: ${s.step}`, s.seconds.toFixed(1), s.cpuSeconds.toFixed(1)]),
    [`of which compiling ${run.showcase.pipelines} pipelines (their requests' times summed; they overlap)`, run.showcase.compileSeconds.toFixed(1), ''],
  ]);
}

/** The README's sentence on how long the quick start took, from the same file. */
function npmStartSummary(): string {
  const run = npmStartRun();
  const wall = run.showcase.steps.reduce((t, s) => t + s.seconds, 0);
  return `On this project's machine (2 CPU cores, no GPU: Mesa's lavapipe runs WebGPU on the CPU, nothing else running)
a fresh clone's \`npm start\` took ${run.npmStart.wallSeconds.toFixed(0)} s (npm ci: "${run.npmCi}"), of which the showcase's own work
took ${wall.toFixed(0)} s. Step by step: [docs/performance.md](docs/performance.md#npm-start).`;
}

// ResNet-50 end to end beside its peers, and where its saliency map's time goes (npm run bench -- ResNet).
const RESNET50 = '2026-12-03-mesa-software-llvmpipe-llvm-15-0-6-256-bits-llvmpipe-mesa-25-5.json';

/** ResNet-50's passes at batch 1 and 8 beside TF.js's tf.grad maps and ONNX Runtime's forward pass, from one run. */
function resnet50Table(): string {
  const r = read(RESNET50);
  const rows: string[][] = [];
  const mine = r.endToEnd.filter((e) => e.model === RESNET50_RANDOM);
  for (const pass of ['forward (logits)', 'saliency map', 'class-model step']) {
    for (const e of mine.filter((m) => m.name.startsWith(pass))) {
      // The peer rows of the same pass and batch: TF.js beside the maps, ONNX Runtime beside the forward pass.
      const peerPrefix = pass === 'saliency map' ? 'TensorFlow.js' : pass === 'forward (logits)' ? 'ONNX Runtime' : undefined;
      const peer = peerPrefix ? mine.find((m) => m.batch === e.batch && m.name.startsWith(peerPrefix)) : undefined;
      const peerCell = !peer ? (peerPrefix ? 'not run' : '') : Number.isFinite(peer.ms) ? `${peerPrefix} ${formatMs(peer.ms)} ms` : `${peer.name}`;
      rows.push([pass, String(e.batch), formatMs(e.ms), formatMs(e.msPerImage), peerCell, peer?.speedup !== undefined ? times(peer.speedup) : '']);
    }
  }
  return table(['ResNet-50 224×224', 'batch', 'deepinside ms', 'ms an image', 'peer', 'deepinside speed-up'], ['---', '---:', '---:', '---:', '---', '---:'], rows);
}

// VGG16 end to end beside PyTorch's CPU build in the same run, with Winograd and fused ReLUs (npm run bench --
// VGG16 --peers torch --winograd --vgg-batches 1,8,32).
const VGG16_TORCH = '2026-12-04-mesa-software-llvmpipe-llvm-15-0-6-256-bits-llvmpipe-mesa-25-9.json';

/** VGG16's forward pass (unless `mapsOnly`, the README's short form) and saliency map at each batch beside PyTorch's, from one run. */
function vgg16TorchTable(mapsOnly = false): string {
  const r = read(VGG16_TORCH);
  const mine = r.endToEnd.filter((e) => e.model === VGG16_RANDOM);
  const rows: string[][] = [];
  for (const [pass, peerPrefix] of [['forward (logits)', 'torch VGG forward'], ['saliency map', 'torch autograd saliency map']] as const) {
    if (mapsOnly && pass !== 'saliency map') continue;
    for (const e of mine.filter((m) => m.name.startsWith(pass))) {
      const peer = mine.find((m) => m.batch === e.batch && m.name.startsWith(peerPrefix));
      const peerCell = !peer ? 'not run' : Number.isFinite(peer.ms) ? `PyTorch ${formatMs(peer.ms)} ms (${formatMs(peer.msPerImage)} an image)` : peer.name;
      rows.push([pass, String(e.batch), formatMs(e.ms), formatMs(e.msPerImage), peerCell, peer?.speedup !== undefined ? times(peer.speedup) : '']);
    }
  }
  const kernels = r.winograd ? 'Winograd where WINOGRAD_TABLE picks it, fused ReLUs' : 'direct kernels, fused ReLUs';
  return `${table([`VGG16 224×224 (${kernels})`, 'batch', 'deepinside ms', 'ms an image', 'PyTorch CPU, same run', 'deepinside speed-up'], ['---', '---:', '---:', '---:', '---', '---:'], rows)}\n\nFrom [\`bench/results/${VGG16_TORCH}\`](../bench/results/${VGG16_TORCH}): ${r.adapter}${r.host ? ` on ${hostLine(r.host)}` : ''}; \`${r.command}\`.`;
}

/** Where ResNet-50's saliency map at batch 1 spends its time: by pass and node type, then its costliest conv shapes. */
function resnet50Profile(): string {
  const r = read(RESNET50);
  const types = (r.nodeTypes ?? []).filter((t) => t.model === RESNET50_RANDOM && t.batch === 1);
  if (types.length === 0) throw new RangeError(`doc tables: no ResNet-50 profile in ${RESNET50}`);
  const total = types.reduce((sum, t) => sum + t.ms, 0);
  const share = (ms: number) => `${((100 * ms) / total).toFixed(1)}%`;
  const rows: string[][] = types.filter((t) => t.ms >= 0.005 * total).map((t) => [`${t.pass} ${t.op}`, String(t.nodes), formatMs(t.ms), share(t.ms), '']);
  const shapes = (r.nodeShapes ?? []).filter((t) => t.model === RESNET50_RANDOM && t.batch === 1).slice(0, 12);
  for (const t of shapes) rows.push([`${t.pass} ${t.layer}`, String(t.nodes), formatMs(t.ms), share(t.ms), fixed(t.flops / t.ms / 1e6)]);
  return table(['saliency map, batch 1: pass and node type, then the costliest conv shapes', 'nodes', 'ms', 'share', 'GFLOP/s'], ['---', '---:', '---:', '---:', '---:'], rows);
}

/** Every generated table, in the documents they belong to. */
export function docTables(): DocTable[] {
  return [
    { document: 'docs/performance.md', name: 'lavapipe-kernels', markdown: lavapipeKernels() },
    { document: 'docs/performance.md', name: 'shipped-models', markdown: shippedModels() },
    { document: 'docs/performance.md', name: 'h100-weight-gradient', markdown: h100WeightGradient() },
    { document: 'docs/performance.md', name: 'h200-linear', markdown: gpuLinearTable() },
    { document: 'docs/performance.md', name: 'h200-conv-split', markdown: gpuConvSplitTable() },
    { document: 'docs/performance.md', name: 'resnet50', markdown: resnet50Table() },
    { document: 'docs/performance.md', name: 'vgg16-torch', markdown: vgg16TorchTable() },
    { document: 'README.md', name: 'vgg16-torch', markdown: vgg16TorchTable(true).split('\n\nFrom ')[0] },
    { document: 'docs/performance.md', name: 'resnet50-profile', markdown: resnet50Profile() },
    { document: 'docs/performance.md', name: 'npm-start', markdown: npmStartTable() },
    { document: 'README.md', name: 'npm-start-summary', markdown: npmStartSummary() },
    { document: 'docs/fidelity.md', name: 'fidelity', markdown: fidelityTable(fidelityResultFiles()) },
    { document: 'README.md', name: 'fidelity', markdown: fidelityTable(fidelityResultFiles(), '[docs/fidelity.md](docs/fidelity.md#results)') },
    { document: 'docs/segmentation.md', name: 'segmentation', markdown: segmentationTable(segmentationResultFile()) },
    { document: 'README.md', name: 'segmentation', markdown: segmentationTable(segmentationResultFile(), { topClass: false }) },
    { document: 'docs/winograd.md', name: 'winograd', markdown: winogradDocTable() },
    { document: 'docs/winograd.md', name: 'winograd-batch10', markdown: winogradDocTable('winograd-2026-12-03-lavapipe-batch10.json') },
    ...proseTables(),
  ];
}

const ATTRIBUTION_METHODS = 'attribution-methods-2026-12-03-lavapipe.json';

/**
 * The tables that replaced numbers typed into the prose. The localisation table waits for its whole-split run
 * (bench/results/localise-vgg-cluttered-test.json); until that is committed, docs/commands.md keeps its table.
 */
function proseTables(): DocTable[] {
  const methods = JSON.parse(readFileSync(join(RESULTS, ATTRIBUTION_METHODS), 'utf8')) as AttributionMethodsResults;
  return [
    { document: 'docs/methods.md', name: 'attribution-methods', markdown: attributionMethodsTable(methods) },
    { document: 'docs/onnx.md', name: 'onnx-torch-check', markdown: onnxCheckTable(readOnnxCheck()) },
    { document: 'docs/reliability.md', name: 'malformed-run', markdown: malformedRunTable() },
    { document: 'docs/linear-batch.md', name: 'linear-batch', markdown: linearBatchTable() },
    { document: 'docs/fusion.md', name: 'fusion', markdown: fusionTable() },
    { document: 'docs/fusion.md', name: 'saliency-fusion', markdown: saliencyFusionTable() },
    ...(existsSync(LOCALISE_RESULTS) ? [{ document: 'docs/commands.md', name: 'localise', markdown: localiseTable(LOCALISE_RESULTS) }] : []),
  ];
}

/** Every document whose tables or prose values are generated. */
export function generatedDocuments(): string[] {
  return [...new Set([...docTables().map((t) => t.document), ...docValues().map((v) => v.document)])];
}

/** The document's text with each of its tables replaced by the generated one. */
export function withTables(text: string, document: string, tables: readonly DocTable[]): string {
  let result = text;
  for (const { name, markdown } of tables.filter((t) => t.document === document)) {
    const pattern = new RegExp(`(<!-- table:${name} [^>]*-->\\n)[\\s\\S]*?(\\n<!-- /table:${name} -->)`);
    if (!pattern.test(result)) throw new RangeError(`doc tables: ${document} has no <!-- table:${name} … --> … <!-- /table:${name} --> markers`);
    result = result.replace(pattern, (_, open: string, close: string) => `${open}${markdown}${close}`);
  }
  return result;
}

// Run as a script (npm run docs): rewrite, or with --check report what is stale.
if (process.argv[1]?.endsWith('doc_tables.mjs')) {
  const check = process.argv.includes('--check');
  const tables = docTables();
  const values = docValues();
  for (const pending of new Set(values.flatMap((v) => (v.pending ? [v.pending] : [])))) console.warn(`docs: ${pending}; its numbers are left as they are`);
  let stale = 0;
  for (const document of generatedDocuments()) {
    const text = readFileSync(document, 'utf8');
    const updated = withValues(withTables(text, document, tables), document, values);
    if (updated === text) continue;
    stale++;
    if (check) console.error(`docs: ${document}'s tables differ from bench/results; run npm run docs`);
    else {
      writeFileSync(document, updated);
      console.log(`docs: rewrote the tables of ${document}`);
    }
  }
  process.exit(check && stale > 0 ? 1 : 0);
}
