import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { gaussianBlur2d, MAX_BLUR_SIGMA } from '../src/nn/mod.ts';
import { gaussianBlur2d as refGaussianBlur2d } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('gaussian_blur2d');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

async function check(device: Gpu, s: ImageShape, sigma: number): Promise<void> {
  const x = random.uniformArray(s.n * s.c * s.h * s.w);
  const y = poisoned(x.length, 'y');
  await gaussianBlur2d(device, s, upload(x, 'x'), y, sigma);
  assertClose('y', await device.read(y), refGaussianBlur2d(s, x, sigma), { random });
}

const CASES: Array<[string, ImageShape, number]> = [
  ['1 channel, odd sizes', { n: 1, c: 1, h: 5, w: 7 }, 0.5],
  ['3 channels, batch 2, a kernel wider than the image', { n: 2, c: 3, h: 9, w: 4 }, 1.7],
  ['a 1×1 image', { n: 3, c: 3, h: 1, w: 1 }, 1],
  ['a narrow kernel (one tap)', { n: 1, c: 3, h: 6, w: 5 }, 0.3],
  ['a 3×64×64 image', { n: 1, c: 3, h: 64, w: 64 }, 0.8],
];

for (const [name, s, sigma] of CASES) {
  test(`gaussian_blur2d matches the reference for ${name} (σ ${sigma})`, () => check(gpu, s, sigma));
}

test('gaussian_blur2d keeps a constant image and the sum of an impulse far from the edges', async () => {
  const s: ImageShape = { n: 1, c: 1, h: 9, w: 9 };
  const constant = poisoned(81);
  await gaussianBlur2d(gpu, s, upload(new Float32Array(81).fill(0.75)), constant, 1);
  assertClose('constant', await gpu.read(constant), new Float64Array(81).fill(0.75));
  const impulse = new Float32Array(81);
  impulse[40] = 1;
  const spread = poisoned(81);
  await gaussianBlur2d(gpu, s, upload(impulse), spread, 0.8);
  const values = await gpu.read(spread);
  assertClose('sum', [values.reduce((a, b) => a + b, 0)], [1]);
  assertEqual('symmetry', [values[31], values[39], values[41]], [values[49], values[49], values[49]]);
});

// (9, 3, 7, 5): 105 values a plane, four planes to a 2048-byte window: seven windows at unaligned offsets.
test(`gaussian_blur2d matches the reference for (9, 3, 7, 5) bound in ${SLICED_BYTES}-byte windows`, async () => {
  const s: ImageShape = { n: 9, c: 3, h: 7, w: 5 };
  if (s.n * s.c * s.h * s.w <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, s, 1.2);
});

test('gaussian_blur2d rejects a σ out of range and an output that is its input', async () => {
  const s: ImageShape = { n: 1, c: 1, h: 2, w: 2 };
  const x = upload([1, 2, 3, 4]);
  const cases: Array<[() => Promise<void>, RegExp]> = [
    [() => gaussianBlur2d(gpu, s, x, poisoned(4), 0), /gaussian_blur2d: σ must be in \(0, 8\]/],
    [() => gaussianBlur2d(gpu, s, x, poisoned(4), MAX_BLUR_SIGMA + 1), /σ must be in/],
    [() => gaussianBlur2d(gpu, s, x, poisoned(4), Number.NaN), /σ must be in/],
    [() => gaussianBlur2d(gpu, s, x, x, 1), /x and y must be different tensors/],
  ];
  for (const [run, expected] of cases) {
    const message = await run().then(() => 'no error', (error: Error) => error.message);
    if (!expected.test(message)) throw new Error(`expected ${expected}, got: ${message}`);
  }
});

test.run();
