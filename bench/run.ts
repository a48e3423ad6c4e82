// `npm run bench [-- words…] [options]`; `npm run bench -- --help` lists the options (bench/bench_arguments.ts).
// Times every kernel at VGG16's layer shapes (224×224) at batch 1 and batch N on this machine's WebGPU
// adapter, after checking each against the float64 reference at the same shape (a kernel that is wrong
// is not timed, and the run fails). Reports the median of R runs, the work (FLOPs, bytes), GFLOP/s,
// GB/s and the share of this adapter's ceilings measured in the same run: a large buffer copy for
// bandwidth, the fastest conv kernel for arithmetic. Writes bench/results/<date>-<adapter>.json and .md.
// At batch 1, conv2_2, conv3_3, conv4_3, fc6, fc8 and the VGG16 saliency map also run in the peers,
// TensorFlow.js's WebGPU backend on the same adapter and ONNX Runtime's CPU build, on the same inputs,
// and the ratios are printed and saved; `--peers …,torch` adds PyTorch's CPU build (Debian's python3-torch,
// installed by bench/torch/setup.sh when asked for and missing) on the conv layers and VGG16's forward pass
// and saliency map. Then, end to end, a saliency map and a class-model step of
// VGG16 (random weights) and of the shipped models in weights/, per image and per batch (without words).
// Words choose the cases whose kernel or layer names contain one.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { writeFileAtomic } from '../src/cli/mod.ts';
import { requestGpu } from '../src/gpu/mod.ts';
import type { Graph } from '../src/graph/mod.ts';
import { IMAGENET_LABELS, initVggWeights, loadVgg, RESNET_DEPTHS, resnetGraph, vggGraph, vggPreset } from '../src/model/mod.ts';
import { Random } from '../src/random/mod.ts';
import { type BenchArguments, BENCH_USAGE, parseBenchArguments } from './bench_arguments.ts';
import { type BenchCase, benchCases } from './cases.ts';
import { endToEndCases } from './end_to_end.ts';
import { GRAPH_PEER_LIMITS, graphPeerCases } from './graph_peers.ts';
import { describeHost, hostLine } from './host.ts';
import { profileNodes } from './node_profile.ts';
import { fidelityCases } from './fidelity_cases.ts';
import { PEER_LAYERS, peerOps } from './peer_cases.ts';
import { openOnnxRuntime, openTfjs, openTorch, outputChunksToFit, type OrtPeer, type TfjsPeer, type TorchPeer, VGG16_CLASSIFIER } from './peers/mod.ts';
import { type BenchResults, compareResults, formatMs, type KernelResult, markdownTable, RESNET50_RANDOM, VGG16_RANDOM } from './results.ts';
import { Timer } from './timer.ts';

const LIMIT = 1e-4;
const COPY_BYTES = 256 * 1024 * 1024;

const { words, batch, runs, compare, earlier, endToEnd, peers, resnetBatches, vggBatches, winograd } = parseArgumentsOrExit(process.argv.slice(2));
const PEER_RUNS = 3;
// TF.js's ResNet-50 maps at batch 8 only where its batch-1 map took under this.
const TFJS_LARGEST_MS = 10_000;
// The shipped models, timed end to end per image and per batch of SHIPPED_BATCH (npm run bench runs from
// the repository's root).
const SHIPPED = ['weights/vgg-fashion.safetensors', 'weights/vgg-cluttered.safetensors'];
const SHIPPED_BATCH = 16;
const loadBefore = loadavg();
const gpu = await requestGpu();
const timer = new Timer(gpu);
const random = new Random(20140101);
console.log(`adapter: ${gpu.adapterName}`);
console.log(`host: ${hostLine(describeHost())}`);
console.log(`timing: ${timer.method}, median of ${runs} runs after one warm-up\n`);

// Bandwidth ceiling: a copy reads and writes every byte once.
const source = gpu.tensor(COPY_BYTES / 4, 'copy source');
const target = gpu.tensor(COPY_BYTES / 4, 'copy target');
const copy = await timer.time(async () => gpu.copy(source, 0, target, 0, COPY_BYTES / 4), runs);
const copyGBs = (2 * COPY_BYTES) / copy.medianMs / 1e6;
source.buffer.destroy();
target.buffer.destroy();
console.log(`copy bandwidth: ${copyGBs.toFixed(2)} GB/s (256 MiB buffer copy, bytes read + written)`);

let tfjs: TfjsPeer | undefined;
let ort: OrtPeer | undefined;
let torch: TorchPeer | undefined;
if (peers.has('tfjs')) {
  const t = await openTfjs();
  if ('unavailable' in t) console.log(`peer TensorFlow.js: unavailable (${t.unavailable})`);
  else {
    tfjs = t;
    console.log(`peer: ${t.name} on ${t.adapterName}`);
  }
}
if (peers.has('ort')) {
  const o = await openOnnxRuntime();
  if ('unavailable' in o) console.log(`peer ONNX Runtime: unavailable (${o.unavailable})`);
  else {
    ort = o;
    console.log(`peer: ${o.name}`);
  }
}
if (peers.has('torch')) {
  let t = await openTorch();
  if ('unavailable' in t && spawnSync('bash', ['bench/torch/setup.sh'], { stdio: 'inherit' }).status === 0) t = await openTorch();
  if ('unavailable' in t) console.log(`peer PyTorch: unavailable (${t.unavailable})`);
  else {
    torch = t;
    console.log(`peer: ${t.name}`);
  }
}
if (peers.size > 0) console.log(`peers are timed on the wall clock (their ops include their own waits), median of ${PEER_RUNS}`);
console.log('');

const chosen = benchCases(batch).filter((c) => words.length === 0 || words.some((w) => c.kernel.includes(w) || c.layer.includes(w)));
const kernels: KernelResult[] = [];
let wrong = 0;
console.log(`${'kernel'.padEnd(26)}${'layer'.padEnd(16)}${'batch'.padStart(5)}${'ms'.padStart(10)}${'GFLOP/s'.padStart(10)}${'GB/s'.padStart(8)}`);
for (const c of chosen) {
  const prepared = c.prepare(gpu, random);
  try {
    const error = await prepared.check();
    if (!(error < LIMIT)) {
      wrong++;
      console.log(`${c.kernel.padEnd(26)}${c.layer.padEnd(16)}${String(c.batch).padStart(5)}  WRONG (relative error ${error}), not timed`);
      continue;
    }
    const timing = await timer.time(() => prepared.run(), runs);
    const result = resultOf(c, timing.medianMs, error);
    kernels.push(result);
    console.log(`${c.kernel.padEnd(26)}${c.layer.padEnd(16)}${String(c.batch).padStart(5)}${timing.medianMs.toFixed(2).padStart(10)}${result.gflops.toFixed(2).padStart(10)}${result.gbs.toFixed(2).padStart(8)}`);
    if (c.batch === 1 && PEER_LAYERS.has(c.layer)) {
      for (const [peer, op] of await peerOps(c, prepared.inputs, tfjs, ort, torch)) {
        try {
          const peerTiming = await timer.time(() => op.run(), PEER_RUNS, true);
          const speedup = peerTiming.medianMs / timing.medianMs;
          result.peers.push({ peer, op: op.name, ms: peerTiming.medianMs, gflops: c.flops / peerTiming.medianMs / 1e6, speedup });
          console.log(`${''.padEnd(26)}${`vs ${peer}`.padEnd(16)}${''.padStart(5)}${peerTiming.medianMs.toFixed(2).padStart(10)}${(c.flops / peerTiming.medianMs / 1e6).toFixed(2).padStart(10)}    deepinside ×${speedup.toFixed(2)}`);
        } catch (peerError) {
          console.log(`${''.padEnd(26)}vs ${peer}: failed (${peerError instanceof Error ? peerError.message.split('\n')[0] : String(peerError)})`);
        } finally {
          op.dispose();
        }
      }
    }
  } finally {
    prepared.release();
  }
}

const convs = kernels.filter((k) => k.kernel.startsWith('conv2d'));
const arithmeticGFLOPs = convs.length > 0 ? Math.max(...convs.map((k) => k.gflops)) : Number.NaN;
for (const k of kernels) {
  k.shareOfBandwidth = k.gbs / copyGBs;
  k.shareOfArithmetic = k.gflops / arithmeticGFLOPs;
}

const endToEndResults: Array<BenchResults['endToEnd'][number]> = [];
const nodeTypeResults: Array<NonNullable<BenchResults['nodeTypes']>[number]> = [];
const nodeShapeResults: Array<NonNullable<BenchResults['nodeShapes']>[number]> = [];
// Without words every network runs end to end; a word that names one (ResNet, VGG16, fashion) runs it alone.
const endToEndWanted = (network: string) => words.length === 0 || words.some((w) => network.toLowerCase().includes(w.toLowerCase()));
if (endToEnd) {
  const vgg16 = vggPreset('vgg16');
  const input = { channels: 3, height: 224, width: 224 };
  // VGG16 at batch 1 and 2 (--vgg-batches); ResNet-50 (BN folded, as an ONNX import leaves it) forward alone too, at batch
  // 1 and 8; the shipped models (random inputs) at batch 1 and SHIPPED_BATCH.
  // ResNet-50 also runs in the peers, at each of its batch sizes: TF.js's tf.grad saliency maps and ONNX
  // Runtime's forward pass of the same graph (VGG16's TF.js saliency map follows below, built from its spec).
  const networks: Array<[string, () => Graph, readonly number[], boolean]> = [
    [VGG16_RANDOM, () => vggGraph({ spec: vgg16, weights: initVggWeights(vgg16, random) }), vggBatches, torch !== undefined],
    [RESNET50_RANDOM, () => resnetGraph({ ...RESNET_DEPTHS[50], input, labels: IMAGENET_LABELS }, random), resnetBatches, true],
    ...SHIPPED.filter((file) => existsSync(file)).map((file): [string, () => Graph, readonly number[], boolean] => [file, () => vggGraph(loadVgg(readFileSync(file))), [1, SHIPPED_BATCH], false]),
  ];
  for (const [network, graph, batches, forward] of networks.filter(([network]) => endToEndWanted(network))) {
    console.log(`\n${network}:`);
    const built = graph();
    // The networks timed forward alone are also profiled: a saliency map's time by pass and node type.
    const profile = forward ? await profileNodes(gpu, built, random, 1, { winograd }) : undefined;
    if (profile) {
      const total = profile.types.reduce((sum, t) => sum + t.ms, 0);
      console.log(`  saliency map at batch 1 by node type (${formatMs(total)} ms between timestamps before each node):`);
      for (const t of profile.types) {
        nodeTypeResults.push({ model: network, batch: 1, ...t });
        console.log(`    ${t.pass.padEnd(9)}${t.op.padEnd(16)}${String(t.nodes).padStart(4)} nodes ${formatMs(t.ms).padStart(9)} ms ${(100 * t.ms / total).toFixed(1).padStart(5)}%`);
      }
      // The convs by layer shape (their GFLOP/s; backward is the gradient to the input).
      console.log('  the convs by layer shape:');
      for (const t of profile.shapes.filter((t) => t.op === 'conv')) {
        nodeShapeResults.push({ model: network, batch: 1, ...t });
        const gflops = t.flops / t.ms / 1e6;
        console.log(`    ${t.pass.padEnd(9)}${t.layer.padEnd(32)}${String(t.nodes).padStart(4)} nodes ${formatMs(t.ms).padStart(9)} ms ${(100 * t.ms / total).toFixed(1).padStart(5)}% ${gflops.toFixed(2).padStart(7)} GFLOP/s`);
      }
    }
    // The shipped models also time fidelity's forward passes (batch 1, 8, 32) and one image's fidelity pass.
    const fidelity = network === VGG16_RANDOM || network === RESNET50_RANDOM ? [] : fidelityCases(gpu, built, random);
    // The networks timed forward alone (ResNet-50) skip the class-model step: its batch-8 runs took minutes
    // on the shared CPU, and the issue asks for the forward pass and the saliency map.
    for (const e of [...endToEndCases(gpu, built, random, batches, { forward, classModel: !forward, winograd }), ...fidelity]) {
      if (e.batch === 0) {
        e.release();
        continue;
      }
      const timing = await timer.time(() => e.run(), Math.max(3, Math.ceil(runs / 2)));
      e.release();
      endToEndResults.push({ model: network, name: e.name, batch: e.batch, ms: timing.medianMs, msPerImage: timing.medianMs / e.batch });
      console.log(`  ${e.name}, batch ${e.batch}: ${formatMs(timing.medianMs)} ms (${formatMs(timing.medianMs / e.batch)} ms per image)`);
    }
    if (network === RESNET50_RANDOM && (tfjs || ort)) await runGraphPeers(network, built, batches);
  }
  const ours = endToEndResults.find((e) => e.model === VGG16_RANDOM && e.batch === 1 && e.name.startsWith('saliency'));
  if (tfjs && ours) {
    // The real fc6 first; TF.js needs it in row blocks where its weight exceeds one binding.
    const chunks = outputChunksToFit(25088, 4096, tfjs.maxBindingBytes);
    for (const fc6Chunks of chunks > 1 ? [1, chunks] : [1]) {
      const label = fc6Chunks > 1 ? `tfjs tf.grad saliency (fc6 in ${fc6Chunks} blocks)` : 'tfjs tf.grad saliency';
      let op;
      try {
        op = await tfjs.vgg16Saliency(224, VGG16_CLASSIFIER, { fc6Chunks });
        const t = await timer.time(() => op!.run(), PEER_RUNS, true);
        endToEndResults.push({ model: VGG16_RANDOM, name: label, batch: 1, ms: t.medianMs, msPerImage: t.medianMs, speedup: t.medianMs / ours.ms });
        console.log(`  ${label}, batch 1: ${t.medianMs.toFixed(0)} ms: deepinside ×${(t.medianMs / ours.ms).toFixed(2)}`);
      } catch (peerError) {
        console.log(`  ${label}: failed (${peerError instanceof Error ? peerError.message.split('\n')[0] : String(peerError)})`);
        endToEndResults.push({ model: VGG16_RANDOM, name: `${label}: failed`, batch: 1, ms: Number.NaN, msPerImage: Number.NaN });
      } finally {
        op?.dispose();
      }
    }
  }
  if (torch && endToEndWanted(VGG16_RANDOM)) await runTorchVgg16(torch);
}
torch?.close();

/**
 * The peers' passes of `graph` at each batch, checked against ours and timed beside our row of the same
 * pass and batch. TF.js's maps at a larger batch are skipped where its batch-1 run took over
 * TFJS_LARGEST_MS (the run would take minutes), and that is said.
 */
async function runGraphPeers(network: string, graph: Graph, batches: readonly number[]): Promise<void> {
  let tfjsMs = 0;
  for (const n of batches) {
    const skipTfjs = tfjsMs > TFJS_LARGEST_MS;
    if (skipTfjs) console.log(`  TF.js at batch ${n}: skipped, its batch-1 run took ${formatMs(tfjsMs)} ms (over ${TFJS_LARGEST_MS} ms)`);
    const { cases, failed } = await graphPeerCases(gpu, graph, random, n, { tfjs: skipTfjs ? undefined : tfjs, ort });
    for (const f of failed) {
      console.log(`  ${f.peer} ${f.pass}, batch ${n}: failed (${f.message})`);
      endToEndResults.push({ model: network, name: `${f.peer} ${f.pass}: failed (${f.message})`, batch: n, ms: Number.NaN, msPerImage: Number.NaN });
    }
    for (const c of cases) {
      try {
        const label = `${c.peer}: ${c.op.name}`;
        if (!(c.error < GRAPH_PEER_LIMITS[c.pass])) {
          console.log(`  ${label}: WRONG (relative error ${c.error} against ours), not timed`);
          endToEndResults.push({ model: network, name: `${label}: wrong (relative error ${c.error.toExponential(1)})`, batch: n, ms: Number.NaN, msPerImage: Number.NaN });
          continue;
        }
        const t = await timer.time(() => c.op.run(), PEER_RUNS, true);
        if (c.peer === tfjs?.name && n === 1) tfjsMs = t.medianMs;
        const ours = endToEndResults.find((e) => e.model === network && e.batch === n && e.name.startsWith(c.pass));
        const speedup = ours ? t.medianMs / ours.ms : undefined;
        endToEndResults.push({ model: network, name: label, batch: n, ms: t.medianMs, msPerImage: t.medianMs / n, ...(speedup === undefined ? {} : { speedup }) });
        console.log(`  ${label}, batch ${n}: ${formatMs(t.medianMs)} ms (relative error ${c.error.toExponential(1)} against ours)${speedup === undefined ? '' : `: deepinside ×${speedup.toFixed(2)}`}`);
      } catch (peerError) {
        console.log(`  ${c.peer} ${c.pass}, batch ${n}: failed (${peerError instanceof Error ? peerError.message.split('\n')[0] : String(peerError)})`);
      } finally {
        c.op.dispose();
      }
    }
  }
}

const results: BenchResults = {
  date: new Date().toISOString(),
  adapter: gpu.adapterName,
  timing: timer.method,
  runs,
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  ceilings: { copyGBs, arithmeticGFLOPs, arithmeticFrom: 'fastest conv2d kernel of this run' },
  load: { before: loadBefore, after: loadavg() },
  host: describeHost(),
  kernels,
  ...(winograd ? { winograd } : {}),
  endToEnd: endToEndResults,
  ...(nodeTypeResults.length > 0 ? { nodeTypes: nodeTypeResults } : {}),
  ...(nodeShapeResults.length > 0 ? { nodeShapes: nodeShapeResults } : {}),
};
mkdirSync('bench/results', { recursive: true });
// A later run the same day gets its own name: -2, -3, …
const base = `bench/results/${results.date.slice(0, 10)}-${slug(gpu.adapterName)}`;
let stem = base;
for (let i = 2; existsSync(`${stem}.json`); i++) stem = `${base}-${i}`;
writeFileAtomic(`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileAtomic(`${stem}.md`, markdownTable(results));
console.log(`\nresults: ${stem}.json and ${stem}.md`);
if (compare && earlier) {
  console.log(`\nagainst ${compare} (${earlier.adapter}, ${earlier.date}):`);
  for (const line of compareResults(earlier, results)) console.log(line);
}
if (wrong > 0) console.error(`\n${wrong} kernel(s) disagreed with the reference and were not timed`);
process.exit(wrong > 0 ? 1 : 0);

/** PyTorch's VGG16 forward pass and saliency map at each batch our VGG16 rows ran, beside them. */
async function runTorchVgg16(peer: TorchPeer): Promise<void> {
  for (const what of ['forward', 'saliency'] as const) {
    for (const ours of endToEndResults.filter((e) => e.model === VGG16_RANDOM && e.name.startsWith(what) && e.speedup === undefined)) {
      const label = `torch ${what === 'forward' ? 'VGG forward' : 'autograd saliency map'}`;
      let op;
      try {
        op = await peer.vgg(vggPreset('vgg16'), ours.batch, what);
        const t = await timer.time(() => op!.run(), PEER_RUNS, true);
        endToEndResults.push({ model: VGG16_RANDOM, name: `${label} (${peer.name})`, batch: ours.batch, ms: t.medianMs, msPerImage: t.medianMs / ours.batch, speedup: t.medianMs / ours.ms });
        console.log(`  ${label}, batch ${ours.batch}: ${t.medianMs.toFixed(0)} ms: deepinside ×${(t.medianMs / ours.ms).toFixed(2)}`);
      } catch (peerError) {
        console.log(`  ${label}: failed (${peerError instanceof Error ? peerError.message.split('\n')[0] : String(peerError)})`);
      } finally {
        op?.dispose();
      }
    }
  }
}

function resultOf(c: BenchCase, ms: number, error: number): KernelResult {
  return {
    kernel: c.kernel,
    layer: c.layer,
    batch: c.batch,
    shape: c.shape,
    flops: c.flops,
    bytes: c.bytes,
    ms,
    gflops: c.flops / ms / 1e6,
    gbs: c.bytes / ms / 1e6,
    shareOfBandwidth: 0,
    shareOfArithmetic: 0,
    relativeError: error,
    peers: [],
  };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

// A mistyped option is one line and exit code 1, not a stack trace; --help prints the usage.
function parseArgumentsOrExit(args: readonly string[]): BenchArguments {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(BENCH_USAGE);
    process.exit(0);
  }
  try {
    return parseBenchArguments(args);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    console.error(`${error.message} (npm run bench -- --help lists the options)`);
    process.exit(1);
  }
}
