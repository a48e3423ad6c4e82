import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import {
  LINEAR_BACKWARD_INPUT_VARIANTS,
  LINEAR_BACKWARD_WEIGHT_VARIANTS,
  LINEAR_FORWARD_VARIANTS,
  linearBackwardInput,
  linearBackwardWeight,
  linearForward,
} from '../src/nn/mod.ts';
import { linearBackwardInput as refBackwardInput, linearBackwardWeight as refBackwardWeight, linearForward as refForward } from '../src/reference/mod.ts';
import type { LinearShape } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { type LinearData, randomLinear } from './support/linear_data.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('linear');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

async function checkForward(device: Gpu, s: LinearShape, d: LinearData): Promise<void> {
  for (const variant of LINEAR_FORWARD_VARIANTS) {
    if (variant !== 1 && s.inFeatures % 4 !== 0) continue;
    if (variant === 3 && device.subgroupSize !== 8) continue;
    const y = poisoned(s.n * s.outFeatures, 'y');
    await linearForward(device, s, upload(d.x, 'x'), upload(d.weight, 'weight'), upload(d.bias, 'bias'), y, variant);
    assertClose(`y (v${variant})`, await device.read(y), refForward(s, d.x, d.weight, d.bias), { random });
  }
}

async function checkBackwardInput(device: Gpu, s: LinearShape, d: LinearData): Promise<void> {
  for (const variant of LINEAR_BACKWARD_INPUT_VARIANTS) {
    if (variant !== 1 && s.inFeatures % 4 !== 0) continue;
    if (variant === 3 && (s.n > 2 || s.n * Math.max(s.inFeatures, s.outFeatures) > device.maxWindowElements)) continue;
    if (variant === 4 && device.subgroupSize !== 8) continue;
    const dx = poisoned(s.n * s.inFeatures, 'dx');
    await linearBackwardInput(device, s, upload(d.dy, 'dy'), upload(d.weight, 'weight'), dx, variant);
    assertClose(`dx (v${variant})`, await device.read(dx), refBackwardInput(s, d.dy, d.weight), { random });
  }
}

async function checkBackwardWeight(device: Gpu, s: LinearShape, d: LinearData): Promise<void> {
  for (const variant of LINEAR_BACKWARD_WEIGHT_VARIANTS) {
    if (variant !== 1 && s.inFeatures % 4 !== 0) continue;
    if (variant === 3 && device.subgroupSize !== 8) continue;
    const dWeight = poisoned(s.outFeatures * s.inFeatures, 'dWeight');
    const dBias = poisoned(s.outFeatures, 'dBias');
    await linearBackwardWeight(device, s, upload(d.x, 'x'), upload(d.dy, 'dy'), dWeight, dBias, variant);
    const expected = refBackwardWeight(s, d.x, d.dy);
    assertClose(`dWeight (v${variant})`, await device.read(dWeight), expected.dWeight, { random });
    assertClose(`dBias (v${variant})`, await device.read(dBias), expected.dBias, { random });
  }
}

// One input or one output feature, odd sizes, batch 1 and 3: counts that divide no workgroup.
const SHAPES: Array<[string, LinearShape]> = [
  ['1 → 1, batch 1', { n: 1, inFeatures: 1, outFeatures: 1 }],
  ['1 → 5, batch 3', { n: 3, inFeatures: 1, outFeatures: 5 }],
  ['7 → 1, batch 3', { n: 3, inFeatures: 7, outFeatures: 1 }],
  ['odd sizes 37 → 45, batch 3', { n: 3, inFeatures: 37, outFeatures: 45 }],
  ['300 → 129, batch 2', { n: 2, inFeatures: 300, outFeatures: 129 }],
  ['a classifier-like 513 → 10, batch 1', { n: 1, inFeatures: 513, outFeatures: 10 }],
  // Input widths that are whole vec4s, for variant 2.
  ['4 → 3, batch 1', { n: 1, inFeatures: 4, outFeatures: 3 }],
  ['36 → 45, batch 3', { n: 3, inFeatures: 36, outFeatures: 45 }],
  ['260 → 7, batch 5', { n: 5, inFeatures: 260, outFeatures: 7 }],
  // Several 32-row blocks and an odd count of vec4s, for variant 3 of the gradient to the input.
  ['an fc-like 516 → 70, batch 1', { n: 1, inFeatures: 516, outFeatures: 70 }],
];

for (const [name, s] of SHAPES) {
  const d = randomLinear(random, s);
  test(`linear_forward matches the reference for ${name}`, () => checkForward(gpu, s, d));
  test(`linear_backward_input matches the reference for ${name}`, () => checkBackwardInput(gpu, s, d));
  test(`linear_backward_weight matches the reference, bias included, for ${name}`, () => checkBackwardWeight(gpu, s, d));
}

// 37 → 45, batch 20, in 2048-byte windows: the weight in four blocks of at most 12 rows, the batch in
// three runs of at most 9, every window after the first at an unaligned offset. Backward to the input
// adds each later weight block to dx, and backward to the weight adds each later batch run to dW and
// dB: both accumulate paths run.
// 37 and 36 (for the vec4 kernels) → 45 inputs: the same slicing.
for (const inFeatures of [37, 36]) {
  const SLICED: LinearShape = { n: 20, inFeatures, outFeatures: 45 };
  const slicedData = randomLinear(random, SLICED);
  const where = `${inFeatures} → 45, batch 20, bound in ${SLICED_BYTES}-byte windows`;

  const assertSliced = (): void => {
    const most = sliced.maxWindowElements;
    const weightBlocks = Math.ceil(SLICED.outFeatures / Math.floor(most / SLICED.inFeatures));
    const batchRuns = Math.ceil(SLICED.n / Math.floor(most / Math.max(SLICED.inFeatures, SLICED.outFeatures)));
    if (weightBlocks < 3 || batchRuns < 3) throw new Error(`the sliced case no longer slices (${weightBlocks} blocks, ${batchRuns} runs)`);
  };

  test(`linear_forward matches the reference for ${where}`, async () => {
    assertSliced();
    await checkForward(sliced, SLICED, slicedData);
  });
  test(`linear_backward_input matches the reference for ${where}`, () => checkBackwardInput(sliced, SLICED, slicedData));
  if (inFeatures === 36) {
    const PAIR: LinearShape = { n: 2, inFeatures, outFeatures: 45 };
    const pairData = randomLinear(random, PAIR);
    test(`linear_backward_input matches the reference for ${inFeatures} → 45, batch 2, the weight in ${SLICED_BYTES}-byte windows`, async () => {
      if (Math.floor(sliced.maxWindowElements / inFeatures) >= 45 / 3) throw new Error('the weight is no longer in 3 windows or more');
      await checkBackwardInput(sliced, PAIR, pairData);
    });
  }
  test(`linear_backward_weight matches the reference, bias included, for ${where}`, () => checkBackwardWeight(sliced, SLICED, slicedData));
}

// VGG16's fc6 on the adapter's own limits: a 411 MB weight, more than lavapipe's 128 MiB binding, so
// every kernel walks it in row blocks. The float64 dW would take 822 MB, so it is checked a block of
// rows at a time, each block against the reference run on just those outputs.
test("linear layer of VGG16's fc6 size (25088 → 4096, 411 MB) matches the reference forward and backward", async () => {
  const s: LinearShape = { n: 2, inFeatures: 25088, outFeatures: 4096 };
  const weightData = random.uniformArray(s.outFeatures * s.inFeatures, -0.01, 0.01);
  const x = random.uniformArray(s.n * s.inFeatures);
  const bias = random.uniformArray(s.outFeatures, -0.1, 0.1);
  const dy = random.uniformArray(s.n * s.outFeatures);
  const weight = gpu.tensorFrom(weightData, 'fc6.weight');
  const xt = upload(x, 'x');
  const dyt = upload(dy, 'dy');
  const y = poisoned(s.n * s.outFeatures, 'y');
  const dx = poisoned(s.n * s.inFeatures, 'dx');
  const dWeight = poisoned(weightData.length, 'fc6.dWeight');
  const dBias = poisoned(s.outFeatures, 'fc6.dBias');
  try {
    await linearForward(gpu, s, xt, weight, upload(bias, 'bias'), y);
    assertClose('y', await gpu.read(y), refForward(s, x, weightData, bias), { random });
    await linearBackwardInput(gpu, s, dyt, weight, dx);
    assertClose('dx', await gpu.read(dx), refBackwardInput(s, dy, weightData), { random });
    await linearBackwardWeight(gpu, s, xt, dyt, dWeight, dBias);
    const rows = 512;
    for (let o0 = 0; o0 < s.outFeatures; o0 += rows) {
      const block: LinearShape = { n: s.n, inFeatures: s.inFeatures, outFeatures: Math.min(rows, s.outFeatures - o0) };
      // dy's columns o0 … o0 + rows − 1: the upstream gradient of just these outputs.
      const blockDy = new Float32Array(s.n * block.outFeatures);
      for (let n = 0; n < s.n; n++) {
        const from = n * s.outFeatures + o0;
        blockDy.set(dy.subarray(from, from + block.outFeatures), n * block.outFeatures);
      }
      const expected = refBackwardWeight(block, x, blockDy);
      const at = `rows ${o0}…${o0 + block.outFeatures - 1}`;
      assertClose(`dWeight ${at}`, await gpu.read(dWeight, o0 * s.inFeatures, block.outFeatures * s.inFeatures), expected.dWeight, { random });
      assertClose(`dBias ${at}`, await gpu.read(dBias, o0, block.outFeatures), expected.dBias, { random });
    }
  } finally {
    for (const tensor of [weight, dWeight]) tensor.buffer.destroy();
  }
});

test('linear_forward rejects a weight whose size disagrees with the shape', async () => {
  const s: LinearShape = { n: 2, inFeatures: 3, outFeatures: 4 };
  let message = '';
  try {
    await linearForward(gpu, s, upload(new Float32Array(6), 'x'), upload(new Float32Array(11), 'weight'), upload(new Float32Array(4), 'bias'), poisoned(8, 'y'));
  } catch (error) {
    message = (error as Error).message;
  }
  if (!/linear_forward: weight \(weight\) has 11 elements but shape \(4, 3\) needs 12/.test(message)) {
    throw new Error(`unexpected message: ${message}`);
  }
});

test.run();
