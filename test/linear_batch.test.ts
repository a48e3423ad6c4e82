import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gpu } from '../src/gpu/mod.ts';
import { linearBackwardInput, linearBackwardInputVariant, linearBackwardWeight, linearForward, linearForwardVariant } from '../src/nn/mod.ts';
import { linearBackwardInput as refBackwardInput, linearBackwardWeight as refBackwardWeight, linearForward as refForward } from '../src/reference/mod.ts';
import type { LinearShape } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { type LinearData, randomLinear } from './support/linear_data.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

// The batched fully connected kernels, each forced by number: linear_forward v3 (4 outputs × up to 8
// batch rows an invocation, x shared through 8-lane subgroups) and v4 (4 outputs split over the input
// across a workgroup × up to 8 batch rows), linear_backward_input v4 (8 columns ×
// up to 8 batch rows, dy shared the same way) and linear_backward_weight v3 (8 rows × 4 columns, summed
// over the batch, dy shared the same way). Batches that fill a group of 8, miss it by one either way,
// or split into groups of unequal use (9 = 5 + 4, 17 = 6 + 6 + 5, 33 = 7·4 + 5); input widths that are
// whole vec4s but not whole 8s; output counts that leave a 32-row workgroup part empty (1, 5, 255).

const random = testRandom('linear_batch');
const subgroups8 = gpu.subgroupSize === 8;

async function checkForward(device: Gpu, s: LinearShape, d: LinearData): Promise<void> {
  const y = poisoned(s.n * s.outFeatures, 'y');
  await linearForward(device, s, upload(d.x, 'x'), upload(d.weight, 'weight'), upload(d.bias, 'bias'), y, 3);
  assertClose('y (v3)', await device.read(y), refForward(s, d.x, d.weight, d.bias), { random });
}

async function checkForwardSplit(device: Gpu, s: LinearShape, d: LinearData): Promise<void> {
  const y = poisoned(s.n * s.outFeatures, 'y');
  await linearForward(device, s, upload(d.x, 'x'), upload(d.weight, 'weight'), upload(d.bias, 'bias'), y, 4);
  assertClose('y (v4)', await device.read(y), refForward(s, d.x, d.weight, d.bias), { random });
}

async function checkBackwardInput(device: Gpu, s: LinearShape, d: LinearData): Promise<void> {
  const dx = poisoned(s.n * s.inFeatures, 'dx');
  await linearBackwardInput(device, s, upload(d.dy, 'dy'), upload(d.weight, 'weight'), dx, 4);
  assertClose('dx (v4)', await device.read(dx), refBackwardInput(s, d.dy, d.weight), { random });
}

async function checkBackwardWeight(device: Gpu, s: LinearShape, d: LinearData): Promise<void> {
  const dWeight = poisoned(s.outFeatures * s.inFeatures, 'dWeight');
  const dBias = poisoned(s.outFeatures, 'dBias');
  await linearBackwardWeight(device, s, upload(d.x, 'x'), upload(d.dy, 'dy'), dWeight, dBias, 3);
  const expected = refBackwardWeight(s, d.x, d.dy);
  assertClose('dWeight (v3)', await device.read(dWeight), expected.dWeight, { random });
  assertClose('dBias (v3)', await device.read(dBias), expected.dBias, { random });
}

// linear_backward_input v4 splits the weight's rows into blocks summed by a second pass where a shape
// gives few workgroups (4 → 255, 100 → 33, 68 → 255 and 20 → 70 here), and writes dx directly
// otherwise (3136 → 256, and the shapes with a single block of rows).
const SHAPES: Array<[string, LinearShape]> = [
  ['12 → 5, batch 1', { n: 1, inFeatures: 12, outFeatures: 5 }],
  ['36 → 1, batch 3', { n: 3, inFeatures: 36, outFeatures: 1 }],
  ['4 → 255, batch 7', { n: 7, inFeatures: 4, outFeatures: 255 }],
  ['100 → 33, batch 8', { n: 8, inFeatures: 100, outFeatures: 33 }],
  ['260 → 5, batch 9', { n: 9, inFeatures: 260, outFeatures: 5 }],
  ['68 → 255, batch 17', { n: 17, inFeatures: 68, outFeatures: 255 }],
  ['20 → 70, batch 33', { n: 33, inFeatures: 20, outFeatures: 70 }],
  // The shipped Fashion-MNIST model's first classifier layer at the class-model batch.
  ['3136 → 256, batch 10', { n: 10, inFeatures: 3136, outFeatures: 256 }],
];

for (const [name, s] of SHAPES) {
  const d = randomLinear(random, s);
  test(`linear_forward v4 matches the reference for ${name}`, () => checkForwardSplit(gpu, s, d));
  if (!subgroups8) continue;
  test(`linear_forward v3 matches the reference for ${name}`, () => checkForward(gpu, s, d));
  test(`linear_backward_input v4 matches the reference for ${name}`, () => checkBackwardInput(gpu, s, d));
  test(`linear_backward_weight v3 matches the reference, bias included, for ${name}`, () => checkBackwardWeight(gpu, s, d));
}

// What GraphModel calls: no variant named, so the defaults (v3 and v4 where subgroups have 8 lanes).
test('linear_forward, linear_backward_input and linear_backward_weight match the reference with their default kernels for 3136 → 256, batch 10', async () => {
  const s: LinearShape = { n: 10, inFeatures: 3136, outFeatures: 256 };
  const d = randomLinear(random, s);
  const y = poisoned(s.n * s.outFeatures, 'y');
  await linearForward(gpu, s, upload(d.x, 'x'), upload(d.weight, 'weight'), upload(d.bias, 'bias'), y);
  assertClose('y (default)', await gpu.read(y), refForward(s, d.x, d.weight, d.bias), { random });
  const dx = poisoned(s.n * s.inFeatures, 'dx');
  await linearBackwardInput(gpu, s, upload(d.dy, 'dy'), upload(d.weight, 'weight'), dx);
  assertClose('dx (default)', await gpu.read(dx), refBackwardInput(s, d.dy, d.weight), { random });
  const dWeight = poisoned(s.outFeatures * s.inFeatures, 'dWeight');
  const dBias = poisoned(s.outFeatures, 'dBias');
  await linearBackwardWeight(gpu, s, upload(d.x, 'x'), upload(d.dy, 'dy'), dWeight, dBias);
  const expected = refBackwardWeight(s, d.x, d.dy);
  assertClose('dWeight (default)', await gpu.read(dWeight), expected.dWeight, { random });
  assertClose('dBias (default)', await gpu.read(dBias), expected.dBias, { random });
});

// This adapter as a CPU driver's fill (1024 invocations) sees it, whatever it is: the pickers' CPU side.
const cpuLike = new Gpu(gpu.device, gpu.adapterName, { fillInvocations: 1024 });

test('linear_backward_input picks v4 for one batch row on 8-lane subgroups, v2 for 2 rows of 16384 or more, v3 for shorter ones, v4 or v2 for larger batches, and v1 for widths no multiple of 4', () => {
  const pick = (n: number, inFeatures: number, outFeatures = 4096) => linearBackwardInputVariant(cpuLike, { n, inFeatures, outFeatures });
  assert.equal([pick(1, 25088), pick(1, 4096)], subgroups8 ? [4, 4] : [2, 3]);
  assert.equal([pick(2, 16384), pick(2, 8192), pick(1, 4098), pick(2, 4098)], [2, 3, 1, 1]);
  assert.equal(pick(8, 25088), subgroups8 ? 4 : 2);
});

// An adapter that asks for a GPU's fill (16384 invocations) and has no 8-lane subgroups, as an NVIDIA
// card through Dawn: the pickers' GPU side, run on this adapter.
const gpuLike = new Gpu(gpu.device, gpu.adapterName, { fillInvocations: 16384, subgroups: false });

test('linear_forward picks v4 where v2 would leave a GPU idle, v2 on a CPU driver at batch 1, v3 for batches on 8-lane subgroups, and v1 for widths no multiple of 4', () => {
  const pick = (device: Gpu, n: number, inFeatures: number, outFeatures = 4096) => linearForwardVariant(device, { n, inFeatures, outFeatures });
  // fc6 at batch 1 and 16 (v2: 1024 and 8192 invocations), fc8 at batch 1; at batch 32 v2 has 32768.
  assert.equal([pick(gpuLike, 1, 25088), pick(gpuLike, 16, 25088), pick(gpuLike, 1, 4096, 1000), pick(gpuLike, 32, 25088)], [4, 4, 4, 2]);
  assert.equal([pick(cpuLike, 1, 25088), pick(cpuLike, 1, 4096, 1000)], [2, 2]);
  assert.equal(pick(cpuLike, 16, 25088), subgroups8 ? 3 : 2);
  assert.equal([pick(gpuLike, 1, 25090), pick(cpuLike, 1, 25090)], [1, 1]);
});

test('linear_backward_input picks v3 for fc6 at batches 1 and 2 where v2 would leave a GPU idle, and v2 from batch 3 up there', () => {
  const pick = (n: number) => linearBackwardInputVariant(gpuLike, { n, inFeatures: 25088, outFeatures: 4096 });
  assert.equal([pick(1), pick(2), pick(16)], [3, 3, 2]);
});

// The defaults on the GPU side: v4 forward and v3 backward to the input, against the reference.
test('linear_forward and linear_backward_input match the reference with their GPU defaults for 16384 → 6, batch 2, and 516 → 70, batch 11', async () => {
  for (const s of [{ n: 2, inFeatures: 16384, outFeatures: 6 }, { n: 11, inFeatures: 516, outFeatures: 70 }]) {
    const d = randomLinear(random, s);
    const y = poisoned(s.n * s.outFeatures, 'y');
    assert.is(linearForwardVariant(gpuLike, s), 4);
    await linearForward(gpuLike, s, upload(d.x, 'x'), upload(d.weight, 'weight'), upload(d.bias, 'bias'), y);
    assertClose(`y (GPU default, ${s.inFeatures} → ${s.outFeatures})`, await gpuLike.read(y), refForward(s, d.x, d.weight, d.bias), { random });
  }
  const s: LinearShape = { n: 2, inFeatures: 16384, outFeatures: 6 };
  const d = randomLinear(random, s);
  assert.is(linearBackwardInputVariant(gpuLike, s), 3);
  const dx = poisoned(s.n * s.inFeatures, 'dx');
  await linearBackwardInput(gpuLike, s, upload(d.dy, 'dy'), upload(d.weight, 'weight'), dx);
  assertClose('dx (GPU default)', await gpuLike.read(dx), refBackwardInput(s, d.dy, d.weight), { random });
});

// v4 with at most 3 workgroups a grid dimension: 255 rows in blocks of 12 (21 full and one of 3), each
// its own dispatch and window, for 9 batch rows (groups of 5 and 4).
test('linear_forward v4 matches the reference for 68 → 255, batch 9, when a grid dimension takes 3 workgroups', async () => {
  const narrow = new Gpu(gpu.device, gpu.adapterName, { maxWorkgroupsPerDimension: 3 });
  await checkForwardSplit(narrow, { n: 9, inFeatures: 68, outFeatures: 255 }, randomLinear(random, { n: 9, inFeatures: 68, outFeatures: 255 }));
});

// The default at fc6's row length, batches 1 and 2, over a short weight.
test('linear_backward_input matches the reference with its default kernel for 16384 → 6, batches 1 and 2', async () => {
  for (const n of [1, 2]) {
    const s: LinearShape = { n, inFeatures: 16384, outFeatures: 6 };
    const d = randomLinear(random, s);
    const dx = poisoned(n * s.inFeatures, 'dx');
    await linearBackwardInput(gpu, s, upload(d.dy, 'dy'), upload(d.weight, 'weight'), dx);
    assertClose(`dx (default, batch ${n})`, await gpu.read(dx), refBackwardInput(s, d.dy, d.weight), { random });
  }
});

// Variant 4 at one batch row: its B = 1 pipeline, a row split into partial sums (64 columns → one
// tile, so 64 workgroups are wanted), and a width past the last 64-column tile.
test('linear_backward_input v4 matches the reference at batch 1 with split rows and a partial tile', async () => {
  if (!subgroups8) return;
  const s: LinearShape = { n: 1, inFeatures: 100, outFeatures: 300 };
  const d = randomLinear(random, s);
  const dx = poisoned(s.inFeatures, 'dx');
  await linearBackwardInput(gpu, s, upload(d.dy, 'dy'), upload(d.weight, 'weight'), dx);
  assertClose('dx (default)', await gpu.read(dx), refBackwardInput(s, d.dy, d.weight), { random });
});

// 36 → 45, batch 20, in 2048-byte windows: the weight in 4 blocks of at most 14 rows (blocks that end
// inside a 32-row workgroup), the batch in 2 runs of at most 11 rows (each its own groups of 8), every
// window after the first at an unaligned offset.
const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });
const SLICED: LinearShape = { n: 20, inFeatures: 36, outFeatures: 45 };
const slicedData = randomLinear(random, SLICED);

function assertSliced(): void {
  const most = sliced.maxWindowElements;
  const weightBlocks = Math.ceil(SLICED.outFeatures / Math.floor(most / SLICED.inFeatures));
  const batchRuns = Math.ceil(SLICED.n / Math.floor(most / Math.max(SLICED.inFeatures, SLICED.outFeatures)));
  if (weightBlocks < 3 || batchRuns < 2) throw new Error(`the sliced case no longer slices (${weightBlocks} blocks, ${batchRuns} runs)`);
}

test(`linear_forward v4 matches the reference for 36 → 45, batch 20, bound in ${SLICED_BYTES}-byte windows`, async () => {
  assertSliced();
  await checkForwardSplit(sliced, SLICED, slicedData);
});

if (subgroups8) {
  test(`linear_forward v3 matches the reference for 36 → 45, batch 20, bound in ${SLICED_BYTES}-byte windows`, async () => {
    assertSliced();
    await checkForward(sliced, SLICED, slicedData);
  });
  test(`linear_backward_input v4 matches the reference for 36 → 45, batch 20, bound in ${SLICED_BYTES}-byte windows`, async () => {
    assertSliced();
    await checkBackwardInput(sliced, SLICED, slicedData);
  });
  // Backward to the weight adds each later batch run to dW and dB.
  test(`linear_backward_weight v3 matches the reference, bias included, for 36 → 45, batch 20, bound in ${SLICED_BYTES}-byte windows`, async () => {
    assertSliced();
    await checkBackwardWeight(sliced, SLICED, slicedData);
  });
  // 4 → 255, batch 7: the weight in 3 windows of at most 112 rows (on lavapipe's 256-byte alignment),
  // each split into blocks of at most 32 rows whose partial sums the second pass adds into dx, each
  // later window's onto what the earlier ones left.
  const SPLIT: LinearShape = { n: 7, inFeatures: 4, outFeatures: 255 };
  const splitData = randomLinear(random, SPLIT);
  test(`linear_backward_input v4 matches the reference for 4 → 255, batch 7, the weight in ${SLICED_BYTES}-byte windows split into row blocks`, async () => {
    const rows = Math.floor(sliced.maxWindowElements / SPLIT.inFeatures);
    if (Math.ceil(SPLIT.outFeatures / rows) < 2 || rows < 64) throw new Error(`the weight is no longer in 2 windows or more of 64 rows or more (${rows} rows a window)`);
    await checkBackwardInput(sliced, SPLIT, splitData);
  });
}

test('linear_backward_input v4 refuses an input width that is not a multiple of 4, and an adapter without 8-lane subgroups', async () => {
  const s: LinearShape = { n: 8, inFeatures: 6, outFeatures: 3 };
  await assertRejectsWith(() => linearBackwardInput(gpu, s, upload(new Float32Array(24), 'dy'), upload(new Float32Array(18), 'weight'), poisoned(48, 'dx'), 4),
    RangeError, /linear_backward_input: variant 4 needs an input width that is a multiple of 4, not 6/);
  const plain = new Gpu(gpu.device, gpu.adapterName, { subgroups: false });
  const t: LinearShape = { n: 8, inFeatures: 4, outFeatures: 3 };
  await assertRejectsWith(() => linearBackwardInput(plain, t, upload(new Float32Array(24), 'dy'), upload(new Float32Array(12), 'weight'), poisoned(32, 'dx'), 4),
    RangeError, /linear_backward_input: variant 4 needs an adapter that runs subgroups of 8 invocations/);
});

test('linear_backward_weight v3 refuses an input width that is not a multiple of 4, and an adapter without 8-lane subgroups', async () => {
  const s: LinearShape = { n: 8, inFeatures: 6, outFeatures: 3 };
  await assertRejectsWith(() => linearBackwardWeight(gpu, s, upload(new Float32Array(48), 'x'), upload(new Float32Array(24), 'dy'), poisoned(18, 'dWeight'), poisoned(3, 'dBias'), 3),
    RangeError, /linear_backward_weight: variant 3 needs an input width that is a multiple of 4, not 6/);
  const plain = new Gpu(gpu.device, gpu.adapterName, { subgroups: false });
  const t: LinearShape = { n: 8, inFeatures: 4, outFeatures: 3 };
  await assertRejectsWith(() => linearBackwardWeight(plain, t, upload(new Float32Array(32), 'x'), upload(new Float32Array(24), 'dy'), poisoned(12, 'dWeight'), poisoned(3, 'dBias'), 3),
    RangeError, /linear_backward_weight: variant 3 needs an adapter that runs subgroups of 8 invocations/);
});

test('linear_forward v3 refuses an input width that is not a multiple of 4, and an adapter without 8-lane subgroups', async () => {
  const s: LinearShape = { n: 8, inFeatures: 6, outFeatures: 3 };
  const args = [upload(new Float32Array(48), 'x'), upload(new Float32Array(18), 'weight'), upload(new Float32Array(3), 'bias'), poisoned(24, 'y')] as const;
  await assertRejectsWith(() => linearForward(gpu, s, ...args, 3), RangeError, /linear_forward: variant 3 needs an input width that is a multiple of 4, not 6/);
  const plain = new Gpu(gpu.device, gpu.adapterName, { subgroups: false });
  const t: LinearShape = { n: 8, inFeatures: 4, outFeatures: 3 };
  await assertRejectsWith(
    () => linearForward(plain, t, upload(new Float32Array(32), 'x'), upload(new Float32Array(12), 'weight'), upload(new Float32Array(3), 'bias'), poisoned(24, 'y'), 3),
    RangeError,
    /linear_forward: variant 3 needs an adapter that runs subgroups of 8 invocations/,
  );
});

test.run();
