import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { conv2dBackwardInput, conv2dBackwardSaliency, conv2dBackwardSaliencyVariant, type Conv2dBackwardSaliencyVariant, saliencyMap } from '../src/nn/mod.ts';
import { conv2dBackwardSaliency as refBackwardSaliency } from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize } from '../src/shapes/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu, poisoned, randomTensor, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

// The first conv's gradient to the input fused with the saliency reduction: dx and the map against the
// float64 gradient and its maxᶜ |·|, outputs poisoned, and against the conv2d_backward_input variant that
// sums in the same order (v8 for variant 1, v5 for variant 2) followed by saliency_map, bit for bit.

const random = testRandom('conv2d_backward_saliency');

const SHAPES: Array<[string, Conv2dShape]> = [
  ['1 channel (grey), odd width', { n: 1, c: 1, h: 5, w: 7, k: 3, size: 3, pad: 1 }],
  ['3 channels, a VGG first layer at 17×21, batch 2', { n: 2, c: 3, h: 17, w: 21, k: 64, size: 3, pad: 1 }],
  ['4 channels, no padding, width 9 (a group of 8 and 1)', { n: 1, c: 4, h: 6, w: 9, k: 5, size: 3, pad: 0 }],
  ['2 channels, 5×5 pad 2, batch 3', { n: 3, c: 2, h: 8, w: 16, k: 7, size: 5, pad: 2 }],
  // The ResNet stem: stride 2, so each pixel gathers only the taps of its phase, and pixels no window reached get 0.
  ['7×7 stride 2, pad 3 (a ResNet stem)', { n: 2, c: 3, h: 19, w: 17, k: 8, size: 7, pad: 3, stride: 2, pads: [3, 3, 3, 3] }],
  ['3×3 stride 2, no padding: the last row and column reach no window', { n: 1, c: 3, h: 10, w: 12, k: 6, size: 3, pad: 0, stride: 2 }],
  ['1×1, stride 1', { n: 2, c: 3, h: 4, w: 5, k: 9, size: 1, pad: 0 }],
  ['uneven pads (1 above and left, 0 below and right)', { n: 1, c: 3, h: 7, w: 11, k: 4, size: 2, pad: 1, pads: [1, 1, 0, 0] }],
  // Variant 2 alone: up to 8 channels.
  ['8 channels, 3×3, width 20 (a group of 16 and 4)', { n: 2, c: 8, h: 6, w: 20, k: 12, size: 3, pad: 1 }],
];

/** Whether the variant takes the shape here: 2 needs 3×3 stride-1 layers with one padding, ≤ 8 channels, 8-lane subgroups. */
const runs = (variant: Conv2dBackwardSaliencyVariant, s: Conv2dShape) =>
  variant === 1
    ? s.c <= 4
    : s.size === 3 && (s.stride ?? 1) === 1 && s.pads === undefined && s.c <= 8 && gpu.subgroupSize === 8;

async function check(device: Gpu, s: Conv2dShape, variant: Conv2dBackwardSaliencyVariant): Promise<void> {
  const [oh, ow] = conv2dOutputSize(s);
  const pixels = s.n * s.h * s.w;
  const dy = randomTensor(random, s.n * s.k * oh * ow, 'dy');
  const weight = randomTensor(random, s.k * s.c * s.size * s.size, 'weight');
  const dx = poisoned(pixels * s.c, 'dx');
  const map = poisoned(pixels, 'map');
  await conv2dBackwardSaliency(device, s, dy.tensor, weight.tensor, dx, map, variant);
  const expected = refBackwardSaliency(s, dy.data, weight.data);
  const [gotDx, gotMap] = [await device.read(dx), await device.read(map)];
  assertClose('dx', gotDx, expected.dx, { random });
  assertClose('map', gotMap, expected.map, { random });
  const unfusedDx = poisoned(pixels * s.c, 'unfused dx');
  const unfusedMap = poisoned(pixels, 'unfused map');
  await conv2dBackwardInput(device, s, dy.tensor, weight.tensor, unfusedDx, variant === 1 ? 8 : 5);
  await saliencyMap(device, { n: s.n, c: s.c, h: s.h, w: s.w }, unfusedDx, unfusedMap);
  assertEqual('dx against conv2d_backward_input', gotDx, await device.read(unfusedDx), { random });
  assertEqual('map against conv2d_backward_input then saliency_map', gotMap, await device.read(unfusedMap), { random });
}

for (const [name, s] of SHAPES) {
  for (const variant of [1, 2] as const) {
    if (!runs(variant, s)) continue;
    test(`conv2d_backward_saliency v${variant} matches the float64 gradient and its saliency map for ${name}`, () => check(gpu, s, variant));
  }
}

test('conv2d_backward_saliency\'s default matches at 224×224, 64 → 3 channels (VGG16\'s conv1_1)', async () => {
  const s: Conv2dShape = { n: 1, c: 3, h: 224, w: 224, k: 64, size: 3, pad: 1 };
  await check(gpu, s, conv2dBackwardSaliencyVariant(gpu, s) ?? 1);
});

test('conv2d_backward_saliency writes the right images of a batch bound in 2048-byte windows', async () => {
  const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: 2048 });
  const s: Conv2dShape = { n: 5, c: 3, h: 9, w: 11, k: 4, size: 3, pad: 1 };
  if (2 * s.c * s.h * s.w <= sliced.maxWindowElements) throw new Error('the sliced case no longer splits the batch');
  for (const variant of [1, 2] as const) if (runs(variant, s)) await check(sliced, s, variant);
});

test('conv2d_backward_saliency picks v2 where the unfused default is v5, v1 where it is v8 (a ResNet stem), and neither past 8 channels', () => {
  const vgg: Conv2dShape = { n: 1, c: 3, h: 224, w: 224, k: 64, size: 3, pad: 1 };
  const stem: Conv2dShape = { n: 1, c: 3, h: 224, w: 224, k: 64, size: 7, pad: 3, stride: 2, pads: [3, 3, 3, 3] };
  if (gpu.subgroupSize === 8) assertEqual('VGG16 conv1_1', [conv2dBackwardSaliencyVariant(gpu, vgg)!], [2]);
  assertEqual('ResNet stem', [conv2dBackwardSaliencyVariant(gpu, stem)!], [1]);
  assertEqual('16 channels', [conv2dBackwardSaliencyVariant(gpu, { ...vgg, c: 16 }) ?? 0], [0]);
});

test('conv2d_backward_saliency takes maxᶜ |dx| of a hand-made gradient, sign included', async () => {
  // A 1×1 conv from 3 channels to 1 with weights (1, −5, 2): dx at a pixel is dy·(1, −5, 2).
  const s: Conv2dShape = { n: 1, c: 3, h: 1, w: 3, k: 1, size: 1, pad: 0 };
  const map = poisoned(3, 'map');
  const dx = poisoned(9, 'dx');
  await conv2dBackwardSaliency(gpu, s, upload([1, -0.5, 0], 'dy'), upload([1, -5, 2], 'weight'), dx, map, 1);
  assertEqual('map', await gpu.read(map), [5, 2.5, 0]);
  assertEqual('dx', await gpu.read(dx), [1, -0.5, 0, -5, 2.5, 0, 2, -1, 0]);
});

test('conv2d_backward_saliency refuses a shape its variant does not take and a map of the wrong size', async () => {
  const s: Conv2dShape = { n: 1, c: 5, h: 4, w: 4, k: 2, size: 3, pad: 1 };
  const dy = gpu.tensor(32, 'dy');
  const weight = gpu.tensor(90, 'weight');
  await assertRejectsWith(() => conv2dBackwardSaliency(gpu, s, dy, weight, gpu.tensor(80, 'dx'), gpu.tensor(16, 'map'), 1), RangeError, /5 input channels; variant 1 takes at most 4/);
  const wide: Conv2dShape = { n: 1, c: 3, h: 4, w: 4, k: 2, size: 3, pad: 1, stride: 2 };
  await assertRejectsWith(() => conv2dBackwardSaliency(gpu, wide, gpu.tensor(8, 'dy'), gpu.tensor(54, 'weight'), gpu.tensor(48, 'dx'), gpu.tensor(16, 'map'), 2), RangeError, /variant 2 takes 3×3 stride-1 layers/);
  const t: Conv2dShape = { ...s, c: 3 };
  await assertRejectsWith(() => conv2dBackwardSaliency(gpu, t, dy, gpu.tensor(54, 'weight'), gpu.tensor(48, 'dx'), gpu.tensor(15, 'map')), RangeError, /map/);
});

test.run();
