// `node .ci/build.mjs peers && node .build/bench/peers-check.mjs`: opens the peers beside our own device
// (PyTorch's CPU build too where a Python with torch is found),
// checks each of their ops against the float64 reference at small awkward shapes (relative error below
// 1e-4), then times each at VGG16's conv3_3 (256→256, 56×56) and fc6 (25088→4096), batch 1, and TF.js's
// whole VGG16 saliency map at 224×224. Validate, then time: an op that is wrong is not timed.
// Times are wall clock around `run()` (see each peer for how it waits), the median of 3 after a warm-up.

import { requestGpu } from '../../src/gpu/mod.ts';
import { initVggWeights } from '../../src/model/mod.ts';
import * as nn from '../../src/nn/mod.ts';
import { Random } from '../../src/random/mod.ts';
import * as ref from '../../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize, type LinearShape } from '../../src/shapes/mod.ts';
import {
  openOnnxRuntime,
  openTfjs,
  openTorch,
  outputChunksToFit,
  type PeerOp,
  saliencyFlops,
  type TfjsPeer,
  type TorchPeer,
  vgg16Spec,
} from './mod.ts';

const LIMIT = 1e-4;
const RUNS = 3;
const SEED = 20140101;
const random = new Random(SEED);

const CONV3_3: Conv2dShape = { n: 1, c: 256, h: 56, w: 56, k: 256, size: 3, pad: 1 };
const FC6: LinearShape = { n: 1, inFeatures: 25088, outFeatures: 4096 };
const SMALL_CONVS: readonly Conv2dShape[] = [
  { n: 2, c: 3, h: 11, w: 13, k: 70, size: 3, pad: 1 },
  { n: 1, c: 17, h: 9, w: 10, k: 9, size: 5, pad: 0 },
];
const SMALL_FC: LinearShape = { n: 3, inFeatures: 37, outFeatures: 19 };

let failures = 0;

function convLengths(s: Conv2dShape): { x: number; w: number; y: number } {
  const [oh, ow] = conv2dOutputSize(s);
  return { x: s.n * s.c * s.h * s.w, w: s.k * s.c * s.size * s.size, y: s.n * s.k * oh * ow };
}

function describe(s: Conv2dShape): string {
  return `${s.n}×${s.c}×${s.h}×${s.w} → ${s.k}, ${s.size}×${s.size} pad ${s.pad}`;
}

/** Compares an op's result with the reference and prints one line; a wrong op counts as a failure. */
async function validate(build: () => Promise<PeerOp>, shape: string, expected: () => ArrayLike<number>): Promise<void> {
  let op: PeerOp | undefined;
  try {
    op = await build();
    const error = ref.relativeError(await op.check(), expected());
    const ok = error < LIMIT;
    if (!ok) failures++;
    console.log(`  ${op.name.padEnd(68)}${shape.padEnd(34)}relative error ${error.toExponential(1)}${ok ? '' : '  WRONG'}`);
  } catch (error) {
    failures++;
    console.log(`  ${(op?.name ?? 'build').padEnd(68)}${shape.padEnd(34)}FAILED: ${messageOf(error)}`);
  } finally {
    op?.dispose();
  }
}

/** Times an op (warm-up, then the median of RUNS) and prints ms and GFLOP/s; a failure prints its message. */
async function time(build: () => Promise<PeerOp>, shape: string, flops: number, expectFailure = false): Promise<void> {
  let op: PeerOp | undefined;
  try {
    op = await build();
    await op.run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await op.run();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    console.log(`  ${op.name.padEnd(68)}${shape.padEnd(34)}${ms.toFixed(1).padStart(9)} ms ${(flops / ms / 1e6).toFixed(2).padStart(8)} GFLOP/s`);
  } catch (error) {
    if (!expectFailure) failures++;
    console.log(`  ${(op?.name ?? 'build').padEnd(68)}${shape.padEnd(34)}FAILED${expectFailure ? ' (expected)' : ''}: ${messageOf(error)}`);
  } finally {
    op?.dispose();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Our device first, as the benchmark opens it; TF.js then shares its Dawn instance.
const gpu = await requestGpu();
console.log(`adapter (deepinside): ${gpu.adapterName}`);
const tfjs = await openTfjs();
const ort = await openOnnxRuntime();
console.log('unavailable' in tfjs ? `TensorFlow.js: unavailable: ${tfjs.unavailable}` : `${tfjs.name} on ${tfjs.adapterName}`);
console.log('unavailable' in ort ? `ONNX Runtime: unavailable: ${ort.unavailable}` : ort.name);
const torch = await openTorch();
console.log('unavailable' in torch ? `PyTorch: unavailable: ${torch.unavailable}` : torch.name);

console.log('\nvalidation against the float64 reference');
for (const s of SMALL_CONVS) {
  const n = convLengths(s);
  const x = random.uniformArray(n.x);
  const w = random.uniformArray(n.w);
  const b = random.uniformArray(s.k);
  const dy = random.uniformArray(n.y);
  if (!('unavailable' in tfjs)) {
    await validate(() => tfjs.conv2d(s, x, w, b), describe(s), () => ref.conv2dForward(s, x, w, b));
    await validate(() => tfjs.conv2dBackpropInput(s, dy, w), describe(s), () => ref.conv2dBackwardInput(s, dy, w));
    await validate(() => tfjs.conv2dBackpropFilter(s, x, dy), describe(s), () => ref.conv2dBackwardWeight(s, x, dy).dWeight);
  }
  if (!('unavailable' in ort)) await validate(() => ort.conv2d(s, x, w, b), describe(s), () => ref.conv2dForward(s, x, w, b));
  if (!('unavailable' in torch)) {
    await validate(() => torch.conv2d(s, x, w, b), describe(s), () => ref.conv2dForward(s, x, w, b));
    await validate(() => torch.conv2dBackwardInput(s, dy, w), describe(s), () => ref.conv2dBackwardInput(s, dy, w));
  }
}
{
  const s = SMALL_FC;
  const x = random.uniformArray(s.n * s.inFeatures);
  const w = random.uniformArray(s.outFeatures * s.inFeatures);
  const b = random.uniformArray(s.outFeatures);
  const shape = `${s.n}×${s.inFeatures} → ${s.outFeatures}`;
  const expected = () => ref.linearForward(s, x, w, b);
  if (!('unavailable' in tfjs)) {
    await validate(() => tfjs.matMul(s, x, w, b), shape, expected);
    await validate(() => tfjs.matMul(s, x, w, b, 3), shape, expected);
  }
  if (!('unavailable' in ort)) await validate(() => ort.gemm(s, x, w, b), shape, expected);
}
if (!('unavailable' in tfjs)) await validateSaliency(tfjs);
if (!('unavailable' in torch)) await validateTorchSaliency(torch);

// TF.js has finished its work on the shared instance; our own kernels still run beside it.
{
  const s = SMALL_CONVS[0];
  const n = convLengths(s);
  const [x, w, b] = [random.uniformArray(n.x), random.uniformArray(n.w), random.uniformArray(s.k)];
  const [tx, tw, tb] = [gpu.tensorFrom(x, 'x'), gpu.tensorFrom(w, 'w'), gpu.tensorFrom(b, 'b')];
  const ty = gpu.tensor(n.y, 'y');
  await nn.conv2dForward(gpu, s, tx, tw, tb, ty);
  const error = ref.relativeError(await gpu.read(ty), ref.conv2dForward(s, x, w, b));
  if (!(error < LIMIT)) failures++;
  console.log(`  ${'deepinside conv2d_forward, after TF.js on the same instance'.padEnd(68)}${describe(s).padEnd(34)}relative error ${error.toExponential(1)}`);
  for (const t of [tx, tw, tb, ty]) t.buffer.destroy();
}

if (failures > 0) {
  console.log(`\n${failures} peer op(s) failed validation: not timed`);
  process.exit(1);
}
console.log(`\nAll peer results match. Timing: wall clock around run(), median of ${RUNS} after one warm-up.`);
{
  const s = CONV3_3;
  const n = convLengths(s);
  const x = random.uniformArray(n.x);
  const w = random.uniformArray(n.w);
  const b = random.uniformArray(s.k);
  const dy = random.uniformArray(n.y);
  const flops = 2 * s.k * s.c * 9 * s.h * s.w;
  const shape = `conv3_3 ${s.c}→${s.k} ${s.h}×${s.w}`;
  if (!('unavailable' in tfjs)) {
    await time(() => tfjs.conv2d(s, x, w, b), shape, flops);
    await time(() => tfjs.conv2dBackpropInput(s, dy, w), shape, flops);
    await time(() => tfjs.conv2dBackpropFilter(s, x, dy), shape, flops);
  }
  if (!('unavailable' in ort)) await time(() => ort.conv2d(s, x, w, b), shape, flops);
  if (!('unavailable' in torch)) {
    await time(() => torch.conv2d(s, x, w, b), shape, flops);
    await time(() => torch.conv2dBackwardInput(s, dy, w), shape, flops);
  }
}
{
  const s = FC6;
  const x = random.uniformArray(s.n * s.inFeatures);
  const w = random.uniformArray(s.outFeatures * s.inFeatures);
  const b = random.uniformArray(s.outFeatures);
  const flops = 2 * s.n * s.inFeatures * s.outFeatures;
  const shape = `fc6 ${s.inFeatures}→${s.outFeatures}`;
  if (!('unavailable' in tfjs)) {
    const chunks = outputChunksToFit(s.inFeatures, s.outFeatures, tfjs.maxBindingBytes);
    await time(() => tfjs.matMul(s, x, w, b), shape, flops, chunks > 1);
    if (chunks > 1) await time(() => tfjs.matMul(s, x, w, b, chunks), shape, flops);
  }
  if (!('unavailable' in ort)) await time(() => ort.gemm(s, x, w, b), shape, flops);
}
if (!('unavailable' in tfjs)) {
  const spec = vgg16Spec(224);
  const fc6 = outputChunksToFit(512 * 7 * 7, 4096, tfjs.maxBindingBytes);
  const shape = 'VGG16 224×224, batch 1';
  await time(() => tfjs.vgg16Saliency(224), shape, saliencyFlops(spec), fc6 > 1);
  if (fc6 > 1) await time(() => tfjs.vgg16Saliency(224, undefined, { fc6Chunks: fc6 }), shape, saliencyFlops(spec));
}
if (!('unavailable' in torch)) {
  const spec = vgg16Spec(224);
  await time(() => torch.vgg(spec, 1, 'saliency'), 'VGG16 224×224, batch 1', saliencyFlops(spec));
  torch.close();
}
process.exit(failures > 0 ? 1 : 0);

/** PyTorch's saliency map of the same small VGG16 as validateSaliency's, batch 2, against the float64 model's. */
async function validateTorchSaliency(peer: TorchPeer): Promise<void> {
  const size = 32;
  const spec = vgg16Spec(size, [16, 16, 10]);
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const input = random.uniformArray(2 * 3 * size * size);
  const classes = [7, 2];
  const { dInput } = ref.referenceClassScoreGradient(spec, weights, input, 2, classes, 'gradient');
  const expected = ref.saliencyMap({ n: 2, c: 3, h: size, w: size }, dInput);
  await validate(() => peer.vgg(spec, 2, 'saliency', { weights, input, classes }), `VGG16 ${size}×${size}, batch 2`, () => expected);
}

/** TF.js's saliency map of a small VGG16 (32×32, narrow classifier) against the float64 model's, with the same weights. */
async function validateSaliency(peer: TfjsPeer): Promise<void> {
  const size = 32;
  const classifier = [16, 16, 10];
  const spec = vgg16Spec(size, classifier);
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const input = random.uniformArray(3 * size * size);
  const classIndex = 7;
  const { dInput } = ref.referenceClassScoreGradient(spec, weights, input, 1, [classIndex], 'gradient');
  const expected = ref.saliencyMap({ n: 1, c: 3, h: size, w: size }, dInput);
  const shape = `VGG16 ${size}×${size}, classifier ${classifier.join('-')}`;
  for (const fc6Chunks of [1, 3]) {
    await validate(() => peer.vgg16Saliency(size, classifier, { weights, input, classIndex, fc6Chunks }), shape, () => expected);
  }
}
