import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { avgPool2dBackward, avgPool2dForward } from '../src/nn/mod.ts';
import { avgPool2dBackward as refBackward, avgPool2dForward as refForward } from '../src/reference/mod.ts';
import { type AvgPool2dShape, avgPool2dOutputSize } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('avg_pool2d');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

const none = [0, 0, 0, 0] as const;
const one = [1, 1, 1, 1] as const;
// Overlapping windows, padding counted and not, padding on some sides only, strides that skip rows,
// 1×1 planes, 1 and 3 channels, batch > 1; and torchvision VGG's 7×7 pool as an exported 1×1/1 identity.
const SHAPES: Array<[string, AvgPool2dShape]> = [
  ['3×3/2 pad 1, 3 channels, odd size, batch 2', { n: 2, c: 3, h: 9, w: 7, size: 3, stride: 2, pads: one, countIncludePad: false }],
  ['3×3/2 pad 1 counting the padding', { n: 2, c: 3, h: 9, w: 7, size: 3, stride: 2, pads: one, countIncludePad: true }],
  ['2×2/2, 1 channel, odd size', { n: 1, c: 1, h: 7, w: 5, size: 2, stride: 2, pads: none, countIncludePad: false }],
  ['3×3/1 pads (0, 2, 1, 0)', { n: 1, c: 2, h: 6, w: 5, size: 3, stride: 1, pads: [0, 2, 1, 0], countIncludePad: false }],
  ['2×2/3, rows no window reaches', { n: 1, c: 1, h: 8, w: 7, size: 2, stride: 3, pads: none, countIncludePad: true }],
  ['3×3/2 pad 1 on 1×1 planes', { n: 2, c: 3, h: 1, w: 1, size: 3, stride: 2, pads: one, countIncludePad: false }],
  ['1×1/1 (an identity), 512 channels at 7×7', { n: 1, c: 512, h: 7, w: 7, size: 1, stride: 1, pads: none, countIncludePad: false }],
];

async function check(device: Gpu, s: AvgPool2dShape): Promise<void> {
  const [oh, ow] = avgPool2dOutputSize(s);
  const x = random.uniformArray(s.n * s.c * s.h * s.w);
  const y = poisoned(s.n * s.c * oh * ow, 'y');
  await avgPool2dForward(device, s, upload(x, 'x'), y);
  assertClose('y', await device.read(y), refForward(s, x), { random });
  const dy = random.uniformArray(s.n * s.c * oh * ow);
  const dx = poisoned(x.length, 'dx');
  await avgPool2dBackward(device, s, upload(dy, 'dy'), dx);
  assertClose('dx', await device.read(dx), refBackward(s, dy), { random });
}

for (const [name, s] of SHAPES) {
  test(`avg_pool2d_forward and _backward match the reference for ${name}`, () => check(gpu, s));
}

test('avg_pool2d_forward and _backward agree with a 3×3/2 pad 1 example worked by hand', async () => {
  const s: AvgPool2dShape = { n: 1, c: 1, h: 3, w: 3, size: 3, stride: 2, pads: one, countIncludePad: false };
  const y = poisoned(4, 'y');
  await avgPool2dForward(gpu, s, upload([1, 2, 3, 4, 5, 6, 7, 8, 9], 'x'), y);
  assertClose('y', await gpu.read(y), [3, 4, 6, 7]);
  const dx = poisoned(9, 'dx');
  await avgPool2dBackward(gpu, s, upload([1, 1, 1, 1], 'dy'), dx);
  assertClose('dx', await gpu.read(dx), [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
});

test(`avg_pool2d_forward and _backward match the reference for 3×3/2 pad 1 on (5, 3, 9, 7) bound in ${SLICED_BYTES}-byte windows`, async () => {
  const s: AvgPool2dShape = { n: 5, c: 3, h: 9, w: 7, size: 3, stride: 2, pads: one, countIncludePad: false };
  if (s.n * s.c * s.h * s.w <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, s);
});

test('avg_pool2d_forward refuses a pad as large as the window', async () => {
  const s: AvgPool2dShape = { n: 1, c: 1, h: 4, w: 4, size: 2, stride: 2, pads: [0, 0, 2, 0], countIncludePad: false };
  await assertRejectsWith(
    () => avgPool2dForward(gpu, s, poisoned(16, 'x'), poisoned(6, 'y')),
    RangeError,
    /avg_pool2d_forward: pads \(0, 0, 2, 0\) must be 4 integers \[top, left, bottom, right\] in \[0, size − 1 = 1\]/,
  );
});

test.run();
