import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { batchNormBackward, batchNormForward } from '../src/nn/mod.ts';
import { batchNormBackward as refBackward, batchNormForward as refForward } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('batch_norm');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

const SHAPES: Array<[string, ImageShape]> = [
  ['1 channel, 1×1, batch 3', { n: 3, c: 1, h: 1, w: 1 }],
  ['3 channels, odd 5×7, batch 2', { n: 2, c: 3, h: 5, w: 7 }],
  ['ResNet-like 64 channels at 56×56', { n: 1, c: 64, h: 56, w: 56 }],
];

async function check(device: Gpu, s: ImageShape): Promise<void> {
  const x = random.uniformArray(s.n * s.c * s.h * s.w);
  const scale = random.uniformArray(s.c, -2, 2);
  const shift = random.uniformArray(s.c);
  const y = poisoned(x.length, 'y');
  await batchNormForward(device, s, upload(x, 'x'), upload(scale, 'scale'), upload(shift, 'shift'), y);
  assertClose('y', await device.read(y), refForward(s, x, scale, shift), { random });
  const dy = random.uniformArray(x.length);
  const dx = poisoned(x.length, 'dx');
  await batchNormBackward(device, s, upload(dy, 'dy'), upload(scale, 'scale'), dx);
  assertClose('dx', await device.read(dx), refBackward(s, dy, scale), { random });
}

for (const [name, s] of SHAPES) {
  test(`batch_norm_forward and _backward match the reference for ${name}`, () => check(gpu, s));
}

test(`batch_norm_forward and _backward match the reference for (4, 3, 9, 11) bound in ${SLICED_BYTES}-byte windows, whose runs start mid-image`, async () => {
  // 99-value planes, 4 to a 2048-byte window: runs start at planes 4 and 8, inside images of 3 planes.
  const s: ImageShape = { n: 4, c: 3, h: 9, w: 11 };
  if (s.n * s.c * s.h * s.w <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, s);
});

test('batch_norm_forward refuses a shift of the wrong length', async () => {
  await assertRejectsWith(
    () => batchNormForward(gpu, { n: 1, c: 3, h: 2, w: 2 }, poisoned(12, 'x'), poisoned(3, 'scale'), poisoned(2, 'shift'), poisoned(12, 'y')),
    RangeError,
    /batch_norm_forward: shift \(shift\) has 2 elements but shape \(3\) needs 3/,
  );
});

test.run();
