import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import {
  BACKWARD_INPUT_EPILOGUE_VARIANTS,
  conv2dBackwardInput,
  conv2dForward,
  directSplits,
  EPILOGUE_VARIANTS,
  maxPool2dBackward,
  type MaxPool2dBackwardVariant,
  maxPool2dForward,
  reluBackward,
  reluForward,
} from '../src/nn/mod.ts';
import {
  conv2dBackwardInput as refBackwardInput,
  conv2dForward as refForward,
  maxPool2dBackward as refPoolBackward,
  maxPool2dForward as refPoolForward,
  reluBackward as refReluBackward,
  reluForward as refRelu,
} from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize, type MaxPool2dShape, RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu, poisoned, randomTensor, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

// The fused ReLU epilogues (src/nn/epilogue.ts): each fused kernel against the float64 reference of the
// kernel then the ReLU (or its rule), outputs poisoned, and against the same kernel followed by the
// separate ReLU pass on the GPU, which it must equal bit for bit.

const random = testRandom('epilogue');

const SHAPES: Array<[string, Conv2dShape]> = [
  ['1 channel, odd width', { n: 1, c: 1, h: 5, w: 7, k: 3, size: 3, pad: 1 }],
  ['no padding, 17→33 channels, batch 2', { n: 2, c: 17, h: 13, w: 15, k: 33, size: 3, pad: 0 }],
  ['rows of whole vec4s over three 16-pixel groups, 5→9 channels', { n: 2, c: 5, h: 6, w: 36, k: 9, size: 3, pad: 1 }],
  ['a VGG-like 36→70 layer at 19×21', { n: 2, c: 36, h: 19, w: 21, k: 70, size: 3, pad: 1 }],
  ['a width of 32, where F(4×4) transforms four tiles an invocation, 6→9 channels at 7×32', { n: 2, c: 6, h: 7, w: 32, k: 9, size: 3, pad: 1 }],
  // Shapes only v8 (any kernel, stride and padding) and v9 (1×1 without padding) take.
  ['3×3 stride 2, pad 1, 5→12 channels, batch 2', { n: 2, c: 5, h: 11, w: 9, k: 12, size: 3, pad: 1, stride: 2, pads: [1, 1, 1, 1] }],
  ['7×7 stride 2, pad 3, 3→8 channels', { n: 1, c: 3, h: 15, w: 13, k: 8, size: 7, pad: 3, stride: 2, pads: [3, 3, 3, 3] }],
  ['1×1, 6→40 channels, batch 2', { n: 2, c: 6, h: 5, w: 8, k: 40, size: 1, pad: 0 }],
  ['1×1 stride 2, 8→20 channels, batch 2', { n: 2, c: 8, h: 9, w: 7, k: 20, size: 1, pad: 0, stride: 2, pads: [0, 0, 0, 0] }],
];

/**
 * Whether the variant runs here for the shape: 3 to 7 and 10 to 12 take 3×3 stride-1 layers with equal
 * padding, 9 1×1 layers without; 5 to 7 and 9 need 8-lane subgroups (Winograd's default product does not).
 */
const runs = (variant: number, s: Conv2dShape) => {
  const plain = s.size === 3 && (s.stride ?? 1) === 1 && (s.pads ?? [s.pad, s.pad, s.pad, s.pad]).every((p) => p === s.pad);
  const pointwise = s.size === 1 && (s.pads ?? [s.pad, s.pad, s.pad, s.pad]).every((p) => p === 0);
  if (variant === 8) return true;
  if (variant === 9) return pointwise && gpu.subgroupSize === 8;
  return plain && !(variant >= 5 && variant <= 7 && gpu.subgroupSize !== 8);
};
/** Winograd rounds differently from the float64 sum: up to about 3e-5 of a layer's largest value. */
const tolerance = (variant: number, expected: ArrayLike<number>) => {
  if (variant < 10) return { random };
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(expected[i]));
  return { random, atol: 1e-4 * largest, rel: 1e-3 };
};

/** A ReLU's output: uniform in [-1, 1) clamped at 0, so about half of it is zero. */
function reluOutput(length: number) {
  const raw = random.uniformArray(length);
  const data = Float32Array.from(raw, (v) => (v > 0 ? v : 0));
  return { tensor: upload(data, 'mask'), data };
}

async function checkForward(device: Gpu, s: Conv2dShape, variant: (typeof EPILOGUE_VARIANTS)[number]): Promise<void> {
  const [oh, ow] = conv2dOutputSize(s);
  const length = s.n * s.k * oh * ow;
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * s.size * s.size, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const fused = poisoned(length, 'fused y');
  const pre = poisoned(length, 'pre-activation');
  const unfused = poisoned(length, 'unfused y');
  await conv2dForward(device, s, x.tensor, weight.tensor, bias.tensor, fused, variant, undefined, { kind: 'relu' });
  await conv2dForward(device, s, x.tensor, weight.tensor, bias.tensor, pre, variant);
  await reluForward(device, pre, unfused);
  const expected = refRelu(refForward(s, x.data, weight.data, bias.data));
  const got = await device.read(fused);
  assertClose('relu(conv + bias)', got, expected, tolerance(variant, expected));
  assertEqual('fused against conv then relu_forward', got, await device.read(unfused), { random });
}

async function checkBackward(device: Gpu, s: Conv2dShape, variant: (typeof BACKWARD_INPUT_EPILOGUE_VARIANTS)[number]): Promise<void> {
  const [oh, ow] = conv2dOutputSize(s);
  const length = s.n * s.c * s.h * s.w;
  const dy = randomTensor(random, s.n * s.k * oh * ow, 'dy');
  const weight = randomTensor(random, s.k * s.c * s.size * s.size, 'weight');
  const mask = reluOutput(length);
  const plain = refBackwardInput(s, dy.data, weight.data);
  const pre = poisoned(length, 'dx before the rule');
  await conv2dBackwardInput(device, s, dy.tensor, weight.tensor, pre, variant);
  for (const rule of RELU_RULES) {
    const fused = poisoned(length, `fused dx (${rule})`);
    const unfused = poisoned(length, `unfused dx (${rule})`);
    await conv2dBackwardInput(device, s, dy.tensor, weight.tensor, fused, variant, undefined, { kind: rule, mask: mask.tensor });
    await reluBackward(device, mask.tensor, pre, unfused, rule);
    const expected = refReluBackward(mask.data, plain, rule);
    const got = await device.read(fused);
    assertClose(`dx under ${rule}`, got, expected, tolerance(variant, expected));
    assertEqual(`fused against conv2d_backward_input then relu_backward (${rule})`, got, await device.read(unfused), { random });
  }
}

for (const [name, s] of SHAPES) {
  for (const variant of EPILOGUE_VARIANTS) {
    if (!runs(variant, s)) continue;
    test(`conv2d_forward v${variant} with the relu epilogue matches relu(conv + bias) for ${name}`, () => checkForward(gpu, s, variant));
  }
  for (const variant of BACKWARD_INPUT_EPILOGUE_VARIANTS) {
    if (!runs(variant, s)) continue;
    test(`conv2d_backward_input v${variant} with each ReLU rule's epilogue matches the rule applied to dx for ${name}`, () => checkBackward(gpu, s, variant));
  }
}

// Bound in 2048-byte windows the batch is dispatched a few images at a time: the mask's windows start
// elsewhere than the output's.
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: 2048 });
const SLICED: Conv2dShape = { n: 5, c: 3, h: 9, w: 11, k: 4, size: 3, pad: 1 };
for (const variant of [3, 4, 5, 6, 7, 8] as const) {
  if (!runs(variant, SLICED)) continue;
  test(`conv2d_forward and conv2d_backward_input v${variant} apply their epilogues to the right elements of a batch bound in 2048-byte windows`, async () => {
    if (2 * SLICED.c * SLICED.h * SLICED.w <= sliced.maxWindowElements) throw new Error('the sliced case no longer splits the batch');
    await checkForward(sliced, SLICED, variant);
    await checkBackward(sliced, SLICED, variant);
  });
}

// On an adapter that asks for a GPU's fill, direct kernels 3 and 4 split a run that would leave it idle
// over the input channels, and conv2d_split_sum adds the bias and applies the epilogue after adding the
// blocks up: 24 → 16 channels (3 blocks forward, 2 for the gradient) at 7×12 (rows of whole vec4s),
// batch 2, and 64 → 40 (8 and 5) at 5×9, each kernel with its epilogue against the reference and bit
// for bit against the same split sums and a separate ReLU pass.
const gpuFill = new Gpu(gpu.device, gpu.adapterName, { fillInvocations: 16384 });
const SPLIT: Array<[string, Conv2dShape]> = [
  ['24→16 channels at 7×12, batch 2', { n: 2, c: 24, h: 7, w: 12, k: 16, size: 3, pad: 1 }],
  ['64→40 channels at 5×9, no padding', { n: 1, c: 64, h: 5, w: 9, k: 40, size: 3, pad: 0 }],
];
for (const [name, s] of SPLIT) {
  for (const variant of [3, 4] as const) {
    test(`conv2d_forward and conv2d_backward_input v${variant}, split over the input channels as on a GPU, apply their epilogues after the split sum for ${name}`, async () => {
      const [oh, ow] = conv2dOutputSize(s);
      const transposed = { ...s, c: s.k, k: s.c, h: oh, w: ow, pad: 2 - s.pad };
      if (directSplits(gpuFill, s, oh, ow, variant, s.n) < 2 || directSplits(gpuFill, transposed, s.h, s.w, variant, s.n) < 2) throw new Error('the shape no longer splits');
      await checkForward(gpuFill, s, variant);
      await checkBackward(gpuFill, s, variant);
    });
  }
}

const POOLS: Array<[string, MaxPool2dShape, MaxPool2dBackwardVariant]> = [
  ['2×2 windows, odd size (floor mode drops a row and a column), batch 2', { n: 2, c: 3, h: 7, w: 9 }, 2],
  ['3×3/3 windows, 5 channels', { n: 1, c: 5, h: 9, w: 12, size: 3, stride: 3 }, 2],
  ['2×2 windows on rows of 16, batch 2', { n: 2, c: 3, h: 6, w: 16 }, 3],
  ['2×2 windows on rows of 16, batch 2 (version 2)', { n: 2, c: 3, h: 6, w: 16 }, 2],
];

async function checkPool(device: Gpu, s: MaxPool2dShape, variant: MaxPool2dBackwardVariant): Promise<void> {
  const { size = 2 } = s;
  const [oh, ow] = [Math.floor(s.h / size), Math.floor(s.w / size)];
  // The pool's input is a ReLU's output, and its gradient flows on through that ReLU.
  const below = reluOutput(s.n * s.c * s.h * s.w);
  const length = s.n * s.c * oh * ow;
  const y = poisoned(length, 'pooled');
  const switches = poisoned(length, 'switches');
  await maxPool2dForward(device, s, below.tensor, y, switches);
  const dy = randomTensor(random, length, 'dy');
  const reference = refPoolForward(s, below.data);
  const plain = refPoolBackward(s, dy.data, reference.switches);
  const pre = poisoned(below.data.length, 'dx before the rule');
  await maxPool2dBackward(device, s, dy.tensor, switches, pre, variant);
  for (const rule of RELU_RULES) {
    const fused = poisoned(below.data.length, `fused dx (${rule})`);
    const unfused = poisoned(below.data.length, `unfused dx (${rule})`);
    await maxPool2dBackward(device, s, dy.tensor, switches, fused, variant, { kind: rule, mask: y });
    await reluBackward(device, below.tensor, pre, unfused, rule);
    const got = await device.read(fused);
    assertClose(`dx under ${rule}`, got, refReluBackward(below.data, plain, rule), { random });
    assertEqual(`fused against max_pool2d_backward then relu_backward (${rule})`, got, await device.read(unfused), { random });
  }
}

for (const [name, s, variant] of POOLS) {
  test(`max_pool2d_backward v${variant} with each ReLU rule's epilogue matches the rule applied to the pool's gradient, ${name}`, () => checkPool(gpu, s, variant));
}

for (const [s, variant] of [[{ n: 6, c: 4, h: 10, w: 10 }, 2], [{ n: 6, c: 4, h: 10, w: 8 }, 3]] as const) {
  test(`max_pool2d_backward v${variant} applies its epilogue to the right windows of a batch bound in 2048-byte windows`, async () => {
    if (2 * s.c * s.h * s.w <= sliced.maxWindowElements) throw new Error('the sliced case no longer splits the batch');
    await checkPool(sliced, s, variant);
  });
}

test('the kernels refuse an epilogue where their variant has none, relu for a gradient, and a mask of the wrong size', async () => {
  const s: Conv2dShape = { n: 1, c: 2, h: 4, w: 4, k: 3, size: 3, pad: 1 };
  const x = upload(new Float32Array(32), 'x');
  const weight = upload(new Float32Array(54), 'weight');
  const bias = upload(new Float32Array(3), 'bias');
  const y = gpu.tensor(48, 'y');
  const mask = gpu.tensor(48, 'mask');
  await assertRejectsWith(() => conv2dForward(gpu, s, x, weight, bias, y, 2, undefined, { kind: 'relu' }), RangeError, /variant 2 takes no epilogue; 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 do/);
  await assertRejectsWith(() => conv2dForward(gpu, s, x, weight, bias, y, 3, undefined, { kind: 'gradient', mask: x }), RangeError, /epilogue mask \(x\) has 32 elements but shape \(48\) needs 48/);
  await assertRejectsWith(() => conv2dBackwardInput(gpu, s, y, weight, x, 2, undefined, { kind: 'gradient', mask: x }), RangeError, /variant 2 takes no epilogue/);
  await assertRejectsWith(() => conv2dBackwardInput(gpu, s, y, weight, x, 3, undefined, { kind: 'relu' }), RangeError, /a ReLU rule \(gradient, deconvnet, guided\), not relu/);
  await assertRejectsWith(() => conv2dBackwardInput(gpu, s, y, weight, x, 3, undefined, { kind: 'guided', mask }), RangeError, /epilogue mask \(mask\) has 48 elements but shape \(32\) needs 32/);
  const pool = { n: 1, c: 3, h: 4, w: 4, size: 3, stride: 1 };
  const pooled = gpu.tensor(12, 'pooled');
  await assertRejectsWith(() => maxPool2dBackward(gpu, pool, pooled, pooled, y, undefined, { kind: 'gradient', mask: pooled }), RangeError, /only variants 2 and 3 take an epilogue/);
});

test.run();
