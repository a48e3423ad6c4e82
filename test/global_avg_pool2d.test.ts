import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { globalAvgPool2dBackward, globalAvgPool2dForward } from '../src/nn/mod.ts';
import { globalAvgPool2dBackward as refBackward, globalAvgPool2dForward as refForward } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('global_avg_pool2d');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

// 1×1 planes, planes smaller and larger than the workgroup's 64 invocations (and not a multiple of it),
// 1 and 3 channels, batch > 1, and ResNet-50's own 2048×7×7 at batch 2.
const SHAPES: Array<[string, ImageShape]> = [
  ['1×1 planes, 3 channels, batch 2', { n: 2, c: 3, h: 1, w: 1 }],
  ['1 channel, 5×7', { n: 1, c: 1, h: 5, w: 7 }],
  ['3 channels, 13×11 (over two rounds of the workgroup), batch 3', { n: 3, c: 3, h: 13, w: 11 }],
  ['a 1×130 row', { n: 1, c: 2, h: 1, w: 130 }],
  ["ResNet-50's 2048 channels at 7×7, batch 2", { n: 2, c: 2048, h: 7, w: 7 }],
];

async function check(device: Gpu, s: ImageShape): Promise<void> {
  const x = random.uniformArray(s.n * s.c * s.h * s.w);
  const y = poisoned(s.n * s.c, 'y');
  await globalAvgPool2dForward(device, s, upload(x, 'x'), y);
  assertClose('y', await device.read(y), refForward(s, x), { random });
  const dy = random.uniformArray(s.n * s.c);
  const dx = poisoned(x.length, 'dx');
  await globalAvgPool2dBackward(device, s, upload(dy, 'dy'), dx);
  assertClose('dx', await device.read(dx), refBackward(s, dy), { random });
}

for (const [name, s] of SHAPES) {
  test(`global_avg_pool2d_forward and _backward match the reference for ${name}`, () => check(gpu, s));
}

test('global_avg_pool2d_forward and _backward agree with a 2-plane example worked by hand', async () => {
  const s: ImageShape = { n: 1, c: 2, h: 2, w: 2 };
  const y = poisoned(2, 'y');
  await globalAvgPool2dForward(gpu, s, upload([1, 2, 3, 6, -1, -1, -1, -1], 'x'), y);
  assertClose('y', await gpu.read(y), [3, -1]);
  const dx = poisoned(8, 'dx');
  await globalAvgPool2dBackward(gpu, s, upload([4, -8], 'dy'), dx);
  assertClose('dx', await gpu.read(dx), [1, 1, 1, 1, -2, -2, -2, -2]);
});

test(`global_avg_pool2d_forward and _backward match the reference for (3, 5, 9, 11) bound in ${SLICED_BYTES}-byte windows`, async () => {
  const s: ImageShape = { n: 3, c: 5, h: 9, w: 11 };
  if (s.n * s.c * s.h * s.w <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, s);
});

test('global_avg_pool2d_forward refuses a y of the wrong length', async () => {
  await assertRejectsWith(
    () => globalAvgPool2dForward(gpu, { n: 2, c: 3, h: 2, w: 2 }, poisoned(24, 'x'), poisoned(3, 'y')),
    RangeError,
    /global_avg_pool2d_forward: y \(y\) has 3 elements but shape \(2, 3\) needs 6/,
  );
});

test.run();
