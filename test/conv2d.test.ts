import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gpu } from '../src/gpu/mod.ts';
import {
  CONV2D_BACKWARD_INPUT_VARIANTS,
  CONV2D_BACKWARD_WEIGHT_VARIANTS,
  CONV2D_FORWARD_VARIANTS,
  directSplits,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  type Conv2dBackwardInputVariant,
  conv2dForward,
  type Conv2dForwardVariant,
} from '../src/nn/mod.ts';
import { conv2dBackwardInput as refBackwardInput, conv2dBackwardWeight as refBackwardWeight, conv2dForward as refForward } from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, randomTensor } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('conv2d');

// Awkward on purpose: odd sizes, 1 and 3 channels, batch > 1, kernels 1, 3, 5, pad 0 to 2, and counts
// that divide no tile size.
const SHAPES: Array<[string, Conv2dShape]> = [
  ['1 channel, odd width', { n: 1, c: 1, h: 5, w: 7, k: 3, size: 3, pad: 1 }],
  ['3 channels, batch 2', { n: 2, c: 3, h: 9, w: 11, k: 5, size: 3, pad: 1 }],
  ['5×5 kernel, pad 2, batch 3', { n: 3, c: 4, h: 6, w: 5, k: 2, size: 5, pad: 2 }],
  ['1×1 kernel', { n: 1, c: 3, h: 4, w: 4, k: 1, size: 1, pad: 0 }],
  ['no padding, 17→33 channels', { n: 2, c: 17, h: 13, w: 15, k: 33, size: 3, pad: 0 }],
  ['a VGG-like 36→70 layer at 19×21', { n: 2, c: 36, h: 19, w: 21, k: 70, size: 3, pad: 1 }],
  ['rows of whole vec4s, 3→6 channels, batch 2', { n: 2, c: 3, h: 7, w: 12, k: 6, size: 3, pad: 1 }],
  ['1 channel, width 4, batch 3', { n: 3, c: 1, h: 5, w: 4, k: 3, size: 3, pad: 1 }],
  ['rows of whole vec4s, no padding', { n: 1, c: 2, h: 6, w: 8, k: 4, size: 3, pad: 0 }],
  ['rows of whole vec4s over three 16-pixel groups, 5→9 channels', { n: 2, c: 5, h: 6, w: 36, k: 9, size: 3, pad: 1 }],
  // 64→64 channels: conv2d_backward_weight v4 cuts the 22 (image, row pair) units into 16 uneven runs.
  ['64→64 channels, odd height, batch 2', { n: 2, c: 64, h: 21, w: 8, k: 64, size: 3, pad: 1 }],
  // conv2d_backward_weight v5 wants input channels in multiples of 8; 5 and 9 output channels leave its
  // last 4-channel block part empty.
  ['8→5 channels, odd height, batch 3', { n: 3, c: 8, h: 7, w: 12, k: 5, size: 3, pad: 1 }],
  ['24→9 channels, width 4', { n: 1, c: 24, h: 5, w: 4, k: 9, size: 3, pad: 1 }],
];

// conv2d_backward_weight v4 splits its sum until a GPU's 16384 invocations run, whatever adapter runs the
// tests; with fillInvocations 1 it never splits.
const splitting = new Gpu(gpu.device, gpu.adapterName, { fillInvocations: 16384 });
const unsplit = new Gpu(gpu.device, gpu.adapterName, { fillInvocations: 1 });

/** Whether conv2d_backward_weight v3 and v4 (3×3, padding 1, rows of whole vec4s) take the shape. */
const streams = (s: Conv2dShape) => s.size === 3 && s.pad === 1 && s.w % 4 === 0;
/** Whether the adapter runs the variants 5 that share loads through 8-lane subgroups (lavapipe does). */
const subgroups8 = gpu.subgroupSize === 8;
/** Whether a forward or backward-input variant is one of the direct 3×3 kernels (3 to 7). */
const direct = (variant: number) => variant >= 3 && variant <= 7;
/** Whether it is one of those that need 8-lane subgroups (5 to 7, and the 1×1 kernel 9). */
const subgroupVariant = (variant: number) => variant >= 5 && variant <= 9 && variant !== 8;
/** Whether variant 9 (1×1 kernels without padding, any stride) takes the shape. */
const pointwise = (s: Conv2dShape) => s.size === 1 && (s.pads ?? [s.pad, s.pad, s.pad, s.pad]).every((p) => p === 0);
/** Whether it is one of the Winograd variants (10 to 12), whose own tests (conv2d_winograd) bound their error. */
const winograd = (variant: number) => variant >= 10;
/** Whether a forward or backward-input variant runs on this adapter for the shape, and is tested here. */
const runs = (variant: number, s: Conv2dShape) =>
  !(direct(variant) && s.size !== 3) && !(variant === 9 && !pointwise(s)) && !(subgroupVariant(variant) && !subgroups8) && !winograd(variant);

type Filled = ReturnType<typeof randomTensor>;

/** Runs conv2d_forward and conv2d_backward_input `variant` on `device`, outputs poisoned first, and holds both to the reference. */
async function checkBothPasses(device: Gpu, s: Conv2dShape, x: Filled, weight: Filled, bias: Filled, dy: Filled, variant: Conv2dForwardVariant & Conv2dBackwardInputVariant): Promise<void> {
  const [oh, ow] = conv2dOutputSize(s);
  const y = poisoned(s.n * s.k * oh * ow, 'y');
  const dx = poisoned(x.data.length, 'dx');
  await conv2dForward(device, s, x.tensor, weight.tensor, bias.tensor, y, variant);
  await conv2dBackwardInput(device, s, dy.tensor, weight.tensor, dx, variant);
  assertClose('y', await device.read(y), refForward(s, x.data, weight.data, bias.data), { random });
  assertClose('dx', await device.read(dx), refBackwardInput(s, dy.data, weight.data), { random });
}

for (const [name, s] of SHAPES) {
  const [oh, ow] = conv2dOutputSize(s);
  const yLength = s.n * s.k * oh * ow;
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * s.size * s.size, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const dy = randomTensor(random, yLength, 'dy');

  for (const variant of CONV2D_FORWARD_VARIANTS) {
    if (!runs(variant, s)) continue;
    test(`conv2d_forward v${variant} matches the reference for ${name}`, async () => {
      const y = poisoned(yLength, 'y');
      await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, variant);
      assertClose('y', await gpu.read(y), refForward(s, x.data, weight.data, bias.data), { random });
    });
  }
  for (const variant of CONV2D_BACKWARD_INPUT_VARIANTS) {
    if (!runs(variant, s)) continue;
    test(`conv2d_backward_input v${variant} matches the reference for ${name}`, async () => {
      const dx = poisoned(x.data.length, 'dx');
      await conv2dBackwardInput(gpu, s, dy.tensor, weight.tensor, dx, variant);
      assertClose('dx', await gpu.read(dx), refBackwardInput(s, dy.data, weight.data), { random });
    });
  }
  // Direct kernels 3 and 4 split over the input channels where a run would leave a GPU idle (any shape
  // whose channels make 2 blocks of 8 or more here); the gradient to the input splits over dy's channels.
  for (const variant of [3, 4] as const) {
    if (!runs(variant, s) || (s.c % 8 !== 0 || s.c < 16) && (s.k % 8 !== 0 || s.k < 16)) continue;
    test(`conv2d_forward and conv2d_backward_input v${variant} match the reference for ${name}, split over the input channels as on a GPU`, async () => {
      const transposed = { ...s, c: s.k, k: s.c, h: oh, w: ow, pad: 2 - s.pad };
      if (directSplits(splitting, s, oh, ow, variant, s.n) < 2 && directSplits(splitting, transposed, s.h, s.w, variant, s.n) < 2) throw new Error('neither pass splits');
      await checkBothPasses(splitting, s, x, weight, bias, dy, variant);
    });
  }
  for (const variant of CONV2D_BACKWARD_WEIGHT_VARIANTS) {
    if ((variant === 2 && s.size !== 3) || (variant >= 3 && !streams(s)) || (variant >= 5 && (!subgroups8 || s.c % 8 !== 0))) continue;
    // v5 and v6 also unsplit, where their one partial sum is copied out instead of summed.
    const runs: Array<[string, Gpu]> = variant >= 5 ? [['split', splitting], ['unsplit', unsplit]] : [['', variant === 4 ? splitting : gpu]];
    for (const [how, on] of runs) {
      test(`conv2d_backward_weight v${variant} matches the reference for ${name}${how ? `, ${how}` : ''}`, async () => {
        const dWeight = poisoned(weight.data.length, 'dWeight');
        const dBias = poisoned(s.k, 'dBias');
        await conv2dBackwardWeight(on, s, x.tensor, dy.tensor, dWeight, dBias, variant);
        const expected = refBackwardWeight(s, x.data, dy.data);
        assertClose('dWeight', await on.read(dWeight), expected.dWeight, { random });
        assertClose('dBias', await on.read(dBias), expected.dBias, { random });
      });
    }
  }
}

// The general shapes of ResNets and other exported graphs, which only v1 and v2 take: strides, 7×7
// stems, 1×1 projections, padding on some sides only (TensorFlow's SAME), and rows and columns that a
// stride leaves unread (their gradient must be zero, not poison).
const GENERAL: Array<[string, Conv2dShape]> = [
  ['3×3 stride 2 pad 1, odd size, batch 2', { n: 2, c: 3, h: 9, w: 7, k: 5, size: 3, pad: 1, stride: 2 }],
  ['7×7 stride 2 pad 3 stem, 1 channel', { n: 1, c: 1, h: 13, w: 10, k: 4, size: 7, pad: 3, stride: 2 }],
  ['1×1 stride 2 projection, 17→33 channels', { n: 2, c: 17, h: 7, w: 9, k: 33, size: 1, pad: 0, stride: 2 }],
  ['1×1 stride 1, 70→66 channels, batch 3', { n: 3, c: 70, h: 5, w: 6, k: 66, size: 1, pad: 0 }],
  // Rows of whole vec4s: v8 loads them as vec4s; 12 columns leave the last 8-pixel group half past the row.
  ['1×1 stride 1, rows of whole vec4s, 9→10 channels, batch 3', { n: 3, c: 9, h: 5, w: 12, k: 10, size: 1, pad: 0 }],
  ['3×3 stride 1, pads (0, 1, 2, 1)', { n: 2, c: 3, h: 6, w: 7, k: 4, size: 3, pad: 0, pads: [0, 1, 2, 1] }],
  ['3×3 stride 3, pads (1, 0, 2, 2), unread rows', { n: 1, c: 2, h: 8, w: 11, k: 3, size: 3, pad: 0, stride: 3, pads: [1, 0, 2, 2] }],
  ['2×2 stride 2 on a 1×1 plane padded to 2×2', { n: 2, c: 3, h: 1, w: 1, k: 2, size: 2, pad: 0, stride: 2, pads: [1, 1, 0, 0] }],
  ['5×5 stride 4 pad 2, 1 output row', { n: 1, c: 3, h: 5, w: 12, k: 2, size: 5, pad: 2, stride: 4 }],
  // v9 (1×1 without padding): planes of whole vec4s (5×12 = 60 points: the last lane's 8 points run 4
  // past the plane) and not (7×9); 33 and 40 output channels leave the last 32-channel block part empty;
  // strides 2 and 3 read every other / third pixel forward and write them backward, leaving the rest zero.
  ['1×1 stride 1, a plane of whole vec4s, 40→33 channels, batch 2', { n: 2, c: 40, h: 5, w: 12, k: 33, size: 1, pad: 0 }],
  ['1×1 stride 1, a 7×9 plane, 3→40 channels', { n: 1, c: 3, h: 7, w: 9, k: 40, size: 1, pad: 0 }],
  ['1×1 stride 3, 8×10 → 3×4, 5→70 channels, batch 2', { n: 2, c: 5, h: 8, w: 10, k: 70, size: 1, pad: 0, stride: 3 }],
  ['1×1 stride 1 on a 1×1 plane, batch 3', { n: 3, c: 6, h: 1, w: 1, k: 7, size: 1, pad: 0 }],
];

for (const [name, s] of GENERAL) {
  const [oh, ow] = conv2dOutputSize(s);
  const yLength = s.n * s.k * oh * ow;
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * s.size * s.size, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const dy = randomTensor(random, yLength, 'dy');
  for (const variant of [1, 2, 8, 9, undefined] as const) {
    if (variant !== undefined && !runs(variant, s)) continue;
    const which = variant ? `v${variant}` : 'by default';
    test(`conv2d_forward ${which} matches the reference for ${name}`, async () => {
      const y = poisoned(yLength, 'y');
      await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, variant);
      assertClose('y', await gpu.read(y), refForward(s, x.data, weight.data, bias.data), { random });
    });
    test(`conv2d_backward_input ${which} matches the reference for ${name}`, async () => {
      const dx = poisoned(x.data.length, 'dx');
      await conv2dBackwardInput(gpu, s, dy.tensor, weight.tensor, dx, variant);
      assertClose('dx', await gpu.read(dx), refBackwardInput(s, dy.data, weight.data), { random });
    });
  }
}

// ResNet-50's own shapes, once each through the default kernel (v8 for the stem, v9 for the 1×1 convs where
// subgroups are 8 lanes): the 7×7/2 stem at 224×224, a 1×1 256→64 reduction at 56×56, a 1×1 512→2048
// expansion at 7×7 (49 points, no vec4s) and the 1×1/2 1024→2048 downsampling projection at 14×14.
const RESNET: Array<[string, Conv2dShape]> = [
  ['the ResNet stem, 3→64 7×7/2 at 224×224', { n: 1, c: 3, h: 224, w: 224, k: 64, size: 7, pad: 3, stride: 2 }],
  ["ResNet-50's 1×1 256→64 at 56×56", { n: 1, c: 256, h: 56, w: 56, k: 64, size: 1, pad: 0 }],
  ["ResNet-50's 1×1 512→2048 at 7×7", { n: 1, c: 512, h: 7, w: 7, k: 2048, size: 1, pad: 0 }],
  ["ResNet-50's 1×1/2 1024→2048 projection at 14×14", { n: 1, c: 1024, h: 14, w: 14, k: 2048, size: 1, pad: 0, stride: 2 }],
];
for (const [name, s] of RESNET) {
  test(`conv2d_forward and conv2d_backward_input match the reference for ${name}`, async () => {
    const [oh, ow] = conv2dOutputSize(s);
    const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
    const weight = randomTensor(random, s.k * s.c * s.size * s.size, 'weight');
    const bias = randomTensor(random, s.k, 'bias');
    const dy = randomTensor(random, s.n * s.k * oh * ow, 'dy');
    const y = poisoned(s.n * s.k * oh * ow, 'y');
    const dx = poisoned(x.data.length, 'dx');
    await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y);
    await conv2dBackwardInput(gpu, s, dy.tensor, weight.tensor, dx);
    assertClose('y', await gpu.read(y), refForward(s, x.data, weight.data, bias.data), { random });
    assertClose('dx', await gpu.read(dx), refBackwardInput(s, dy.data, weight.data), { random });
    for (const tensor of [x.tensor, weight.tensor, bias.tensor, dy.tensor, y, dx]) tensor.buffer.destroy();
  });
}

{
  // A strided stem-like conv whose batch runs in 2048-byte windows, one image each at unaligned offsets.
  const s: Conv2dShape = { n: 4, c: 3, h: 11, w: 9, k: 4, size: 3, pad: 0, stride: 2, pads: [1, 1, 0, 1] };
  const [oh, ow] = conv2dOutputSize(s);
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * 9, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const dy = randomTensor(random, s.n * s.k * oh * ow, 'dy');
  for (const variant of [1, 2, 8] as const) {
    test(`conv2d_forward and conv2d_backward_input v${variant} match the reference for a stride-2 conv bound in 2048-byte windows`, async () => {
      if (2 * s.c * s.h * s.w <= sliced.maxWindowElements) throw new Error('the sliced case no longer splits the batch');
      await checkBothPasses(sliced, s, x, weight, bias, dy, variant);
    });
  }
}

test('conv2d_forward and conv2d_backward_input default to v2 where the rearranged weight would exceed a binding', async () => {
  // 3→7 channels 3×3: the weight (189 values) fits 200-value windows, but padded to 8 channels (216 or 504 values) it does not.
  const tiny = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: 200 * 4 + gpu.limits.bindingAlignment });
  for (const s of [
    { n: 2, c: 3, h: 4, w: 5, k: 7, size: 3, pad: 1 },
    { n: 2, c: 3, h: 5, w: 5, k: 7, size: 3, pad: 1, stride: 2 },
  ] as Conv2dShape[]) {
    if (s.c * 9 * 8 <= tiny.maxWindowElements || s.k * s.c * 9 > tiny.maxWindowElements) throw new Error('the case no longer separates the weight from its layout');
    const [oh, ow] = conv2dOutputSize(s);
    const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
    const weight = randomTensor(random, s.k * s.c * 9, 'weight');
    const bias = randomTensor(random, s.k, 'bias');
    const dy = randomTensor(random, s.n * s.k * oh * ow, 'dy');
    const y = poisoned(dy.data.length, 'y');
    const dx = poisoned(x.data.length, 'dx');
    await conv2dForward(tiny, s, x.tensor, weight.tensor, bias.tensor, y);
    await conv2dBackwardInput(tiny, s, dy.tensor, weight.tensor, dx);
    assertClose('y', await tiny.read(y), refForward(s, x.data, weight.data, bias.data), { random });
    assertClose('dx', await tiny.read(dx), refBackwardInput(s, dy.data, weight.data), { random });
  }
});

test('conv2d_forward and conv2d_backward_input fall back from v9 to v8 where the weight padded to 32 channels would exceed a binding', async () => {
  // 7→24 channels 1×1: the weight (168 values) and its layout padded to 8 channels (168 forward, 192 for the
  // gradient) fit 200-value windows; padded to 32 (224 and 768) they do not, so a v9 dispatch would throw.
  const tiny = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: 200 * 4 + gpu.limits.bindingAlignment });
  const s: Conv2dShape = { n: 2, c: 7, h: 2, w: 2, k: 24, size: 1, pad: 0 };
  if (s.c * 32 <= tiny.maxWindowElements || s.k * 8 > tiny.maxWindowElements) throw new Error('the case no longer separates the layouts');
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const dy = randomTensor(random, s.n * s.k * s.h * s.w, 'dy');
  const y = poisoned(dy.data.length, 'y');
  const dx = poisoned(x.data.length, 'dx');
  await conv2dForward(tiny, s, x.tensor, weight.tensor, bias.tensor, y);
  await conv2dBackwardInput(tiny, s, dy.tensor, weight.tensor, dx);
  assertClose('y', await tiny.read(y), refForward(s, x.data, weight.data, bias.data), { random });
  assertClose('dx', await tiny.read(dx), refBackwardInput(s, dy.data, weight.data), { random });
});

test('the direct variants and conv2d_backward_weight refuse strides and uneven padding', async () => {
  const s: Conv2dShape = { n: 1, c: 2, h: 6, w: 8, k: 2, size: 3, pad: 1, stride: 2 };
  const uneven: Conv2dShape = { n: 1, c: 2, h: 6, w: 8, k: 2, size: 3, pad: 0, pads: [0, 0, 1, 1] };
  const x = randomTensor(random, 96, 'x').tensor;
  const weight = randomTensor(random, 36, 'weight').tensor;
  await assertRejectsWith(
    () => conv2dForward(gpu, s, x, weight, randomTensor(random, 2, 'bias').tensor, poisoned(24, 'y'), 3),
    RangeError,
    /conv2d_forward: variant 3 takes stride 1 and the same padding on every side, not stride 2 and pads \(1, 1, 1, 1\)/,
  );
  await assertRejectsWith(
    () => conv2dBackwardInput(gpu, uneven, poisoned(2 * 5 * 7, 'dy'), weight, poisoned(96, 'dx'), 4),
    RangeError,
    /conv2d_backward_input: variant 4 takes stride 1 and the same padding on every side, not stride 1 and pads \(0, 0, 1, 1\)/,
  );
  await assertRejectsWith(
    () => conv2dBackwardWeight(gpu, s, x, poisoned(24, 'dy'), poisoned(36, 'dWeight'), poisoned(2, 'dBias')),
    RangeError,
    /conv2d_backward_weight: takes stride 1 and the same padding on every side, not stride 2/,
  );
});

test('conv2d_forward refuses a zero stride, a pad as large as the kernel and a stride that leaves no output', async () => {
  const x = randomTensor(random, 16, 'x').tensor;
  const weight = randomTensor(random, 9, 'weight').tensor;
  const bias = randomTensor(random, 1, 'bias').tensor;
  const base = { n: 1, c: 1, h: 4, w: 4, k: 1, size: 3, pad: 0 };
  await assertRejectsWith(() => conv2dForward(gpu, { ...base, stride: 0 }, x, weight, bias, poisoned(4, 'y')), RangeError, /conv2d_forward: stride 0 must be a positive integer/);
  await assertRejectsWith(
    () => conv2dForward(gpu, { ...base, pads: [0, 3, 0, 0] }, x, weight, bias, poisoned(4, 'y')),
    RangeError,
    /conv2d_forward: pads \(0, 3, 0, 0\) must be 4 integers \[top, left, bottom, right\] in \[0, size − 1 = 2\]/,
  );
  await assertRejectsWith(
    () => conv2dForward(gpu, { ...base, h: 2, w: 4, stride: 2 }, randomTensor(random, 8, 'x').tensor, weight, bias, poisoned(1, 'y')),
    RangeError,
    /conv2d_forward: a 3×3 kernel with stride 2 and pads \(0, 0, 0, 0\) leaves no output of a 2×4 input/,
  );
});

// (5, 3, 9, 11) → 4 channels in 2048-byte windows: one image of x (297 values) or of y (396) to a
// window, so the batch runs in five dispatches whose windows start at unaligned offsets, and
// conv2d_backward_weight adds each later run to the dWeight and dBias the first wrote.
const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });
const SLICED: Conv2dShape = { n: 5, c: 3, h: 9, w: 11, k: 4, size: 3, pad: 1 };
{
  const s = SLICED;
  const [oh, ow] = conv2dOutputSize(s);
  const yLength = s.n * s.k * oh * ow;
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * s.size * s.size, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const dy = randomTensor(random, yLength, 'dy');
  const where = `(5, 3, 9, 11) → 4 channels bound in ${SLICED_BYTES}-byte windows`;
  const assertSliced = (): void => {
    if (2 * s.c * s.h * s.w <= sliced.maxWindowElements) throw new Error('the sliced case no longer splits the batch');
  };

  for (const variant of CONV2D_FORWARD_VARIANTS) {
    if (!runs(variant, s)) continue;
    test(`conv2d_forward v${variant} matches the reference for ${where}`, async () => {
      assertSliced();
      const y = poisoned(yLength, 'y');
      await conv2dForward(sliced, s, x.tensor, weight.tensor, bias.tensor, y, variant);
      assertClose('y', await sliced.read(y), refForward(s, x.data, weight.data, bias.data), { random });
    });
  }
  for (const variant of CONV2D_BACKWARD_INPUT_VARIANTS) {
    if (!runs(variant, s)) continue;
    test(`conv2d_backward_input v${variant} matches the reference for ${where}`, async () => {
      const dx = poisoned(x.data.length, 'dx');
      await conv2dBackwardInput(sliced, s, dy.tensor, weight.tensor, dx, variant);
      assertClose('dx', await sliced.read(dx), refBackwardInput(s, dy.data, weight.data), { random });
    });
  }
  // The direct kernels split over the input channels where a run would leave a GPU idle (any shape with
  // more than one block of 8 input channels here); the gradient to the input splits over dy's channels.
  for (const variant of CONV2D_FORWARD_VARIANTS) {
    if (!direct(variant) || !runs(variant, s) || (s.c <= 8 && s.k <= 8)) continue;
    test(`conv2d_forward and conv2d_backward_input v${variant} match the reference for ${name}, split over the input channels as on a GPU`, () =>
      checkBothPasses(splitting, s, x, weight, bias, dy, variant as Conv2dForwardVariant & Conv2dBackwardInputVariant));
  }
  for (const variant of CONV2D_BACKWARD_WEIGHT_VARIANTS) {
    if (variant >= 3) continue;
    test(`conv2d_backward_weight v${variant} matches the reference for ${where}, accumulating over the batch`, async () => {
      const dWeight = poisoned(weight.data.length, 'dWeight');
      const dBias = poisoned(s.k, 'dBias');
      await conv2dBackwardWeight(sliced, s, x.tensor, dy.tensor, dWeight, dBias, variant);
      const expected = refBackwardWeight(s, x.data, dy.data);
      assertClose('dWeight', await sliced.read(dWeight), expected.dWeight, { random });
      assertClose('dBias', await sliced.read(dBias), expected.dBias, { random });
    });
  }
}

for (const variant of [3, 4] as const) {
  test(`conv2d_backward_weight v${variant} matches the reference for (5, 3, 10, 8) → 5 channels bound in 2048-byte windows, one image each`, async () => {
    const s: Conv2dShape = { n: 5, c: 3, h: 10, w: 8, k: 5, size: 3, pad: 1 };
    if (2 * s.c * s.h * s.w <= sliced.maxWindowElements) throw new Error('the sliced case no longer splits the batch');
    const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
    const dy = randomTensor(random, s.n * s.k * s.h * s.w, 'dy');
    const dWeight = poisoned(s.k * s.c * 9, 'dWeight');
    const dBias = poisoned(s.k, 'dBias');
    await conv2dBackwardWeight(sliced, s, x.tensor, dy.tensor, dWeight, dBias, variant);
    const expected = refBackwardWeight(s, x.data, dy.data);
    assertClose('dWeight', await sliced.read(dWeight), expected.dWeight, { random });
    assertClose('dBias', await sliced.read(dBias), expected.dBias, { random });
  });
}

test('conv2d_backward_weight refuses v3 for a shape it does not take', async () => {
  const s: Conv2dShape = { n: 1, c: 2, h: 5, w: 6, k: 2, size: 3, pad: 1 };
  const x = randomTensor(random, 60, 'x').tensor;
  const dy = randomTensor(random, 60, 'dy').tensor;
  let message = '';
  try {
    await conv2dBackwardWeight(gpu, s, x, dy, poisoned(36, 'dWeight'), poisoned(2, 'dBias'), 3);
  } catch (error) {
    message = (error as Error).message;
  }
  assert.match(message, /variant 3 takes padding 1 and rows of whole vec4s \(width 6, padding 1\)/);
});

test('conv2d_backward_weight refuses v5 for input channels that are not a multiple of 8, and the subgroup variants of every kernel where subgroups are not 8 lanes', async () => {
  const s: Conv2dShape = { n: 1, c: 4, h: 4, w: 4, k: 2, size: 3, pad: 1 };
  const x = randomTensor(random, 64, 'x').tensor;
  const dy = randomTensor(random, 32, 'dy').tensor;
  const messages: string[] = [];
  const attempt = async (run: () => Promise<void>) => {
    try {
      await run();
      messages.push('no error');
    } catch (error) {
      messages.push((error as Error).message);
    }
  };
  await attempt(() => conv2dBackwardWeight(gpu, s, x, dy, poisoned(72, 'dWeight'), poisoned(2, 'dBias'), 5));
  const without = new Gpu(gpu.device, gpu.adapterName, { subgroups: false });
  const weight = randomTensor(random, 72, 'weight').tensor;
  await attempt(() => conv2dForward(without, s, x, weight, randomTensor(random, 2, 'bias').tensor, poisoned(32, 'y'), 5));
  await attempt(() => conv2dBackwardInput(without, s, dy, weight, poisoned(64, 'dx'), 6));
  assert.match(messages[0], subgroups8 ? /variant 5 takes input channels in multiples of 8, not 4/ : /variant 5 needs an adapter that runs subgroups of 8/);
  assert.match(messages[1], /conv2d_forward: variant 5 needs an adapter that runs subgroups of 8 invocations \(this one has no fixed subgroup size\)/);
  assert.match(messages[2], /conv2d_backward_input: variant 6 needs an adapter that runs subgroups of 8 invocations/);
});

test('conv2d_forward rejects a weight whose channels disagree with the input', async () => {
  const s: Conv2dShape = { n: 1, c: 3, h: 4, w: 4, k: 2, size: 3, pad: 1 };
  const x = randomTensor(random, 48, 'x').tensor;
  const weight = randomTensor(random, 2 * 1 * 9, 'weight').tensor;
  const bias = randomTensor(random, 2, 'bias').tensor;
  const y = poisoned(32, 'y');
  let message = '';
  try {
    await conv2dForward(gpu, s, x, weight, bias, y);
  } catch (error) {
    message = (error as Error).message;
  }
  if (!/conv2d_forward: weight .* has 18 elements but shape \(2, 3, 3, 3\) needs 54/.test(message)) {
    throw new Error(`unexpected message: ${message}`);
  }
});

test.run();

// v9 and v8 on 1×1 convs whose batch runs in 2048-byte windows, one image each: x's images (5·7·10 = 350
// and 5·6·10 = 300 values) start at offsets that are not multiples of 4 in their windows, so v9 reads
// them value by value, and the strided one's dx is zeroed and written every other pixel image by image.
for (const s of [
  { n: 4, c: 5, h: 7, w: 10, k: 6, size: 1, pad: 0, stride: 2 },
  { n: 3, c: 5, h: 6, w: 10, k: 7, size: 1, pad: 0 },
] as Conv2dShape[]) {
  const [oh, ow] = conv2dOutputSize(s);
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const dy = randomTensor(random, s.n * s.k * oh * ow, 'dy');
  for (const variant of [8, 9] as const) {
    if (!runs(variant, s)) continue;
    test(`conv2d_forward and conv2d_backward_input v${variant} match the reference for a 1×1/${s.stride ?? 1} ${s.c}→${s.k} conv bound in 2048-byte windows`, async () => {
      if (2 * Math.max(s.c * s.h * s.w, s.k * oh * ow) <= sliced.maxWindowElements) throw new Error('the sliced case no longer splits the batch');
      await checkBothPasses(sliced, s, x, weight, bias, dy, variant);
    });
  }
}

test('conv2d_forward and conv2d_backward_input v9 refuse kernels other than 1×1 and padding', async () => {
  const x = randomTensor(random, 2 * 6 * 8, 'x').tensor;
  await assertRejectsWith(
    () => conv2dForward(gpu, { n: 1, c: 2, h: 6, w: 8, k: 2, size: 3, pad: 1 }, x, randomTensor(random, 36, 'weight').tensor, randomTensor(random, 2, 'bias').tensor, poisoned(96, 'y'), 9),
    RangeError,
    /conv2d_forward: variant 9 takes 1×1 kernels without padding, not 3×3 with pads \(1, 1, 1, 1\)/,
  );
  const padded: Conv2dShape = { n: 1, c: 2, h: 6, w: 8, k: 2, size: 2, pad: 0, pads: [1, 0, 0, 0] };
  await assertRejectsWith(
    () => conv2dBackwardInput(gpu, padded, poisoned(2 * 6 * 7, 'dy'), randomTensor(random, 16, 'weight').tensor, poisoned(96, 'dx'), 9),
    RangeError,
    /conv2d_backward_input: variant 9 takes 1×1 kernels without padding, not 2×2 with pads \(1, 0, 0, 0\)/,
  );
});
