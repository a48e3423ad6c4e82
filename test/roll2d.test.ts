import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { roll2d } from '../src/nn/mod.ts';
import { roll2d as refRoll2d } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertEqual } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('roll2d');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

async function check(device: Gpu, s: ImageShape, dy: number, dx: number): Promise<void> {
  const x = random.uniformArray(s.n * s.c * s.h * s.w);
  const y = poisoned(x.length, 'y');
  await roll2d(device, s, upload(x, 'x'), y, dy, dx);
  // A shift moves values unchanged: the output must match exactly.
  assertEqual('y', await device.read(y), refRoll2d(s, x, dy, dx), { random });
}

const CASES: Array<[string, ImageShape, number, number]> = [
  ['1 channel, odd sizes, shifted down and right', { n: 1, c: 1, h: 5, w: 7 }, 2, 3],
  ['3 channels, batch 2, shifted up and left', { n: 2, c: 3, h: 9, w: 11 }, -4, -1],
  ['shifts past the size', { n: 1, c: 3, h: 6, w: 5 }, 13, -12],
  ['no shift', { n: 2, c: 1, h: 4, w: 3 }, 0, 0],
  ['a 1×1 image', { n: 3, c: 3, h: 1, w: 1 }, 1, -1],
  ['a 224×224 RGB image', { n: 1, c: 3, h: 224, w: 224 }, 2, -2],
];

for (const [name, s, dy, dx] of CASES) {
  test(`roll2d matches the reference for ${name} (${dy}, ${dx})`, () => check(gpu, s, dy, dx));
}

test('roll2d moves the top-left pixel of a hand-made plane to (dy, dx), and back', async () => {
  const s: ImageShape = { n: 1, c: 1, h: 2, w: 3 };
  const there = poisoned(6, 'there');
  await roll2d(gpu, s, upload([1, 2, 3, 4, 5, 6]), there, 1, 1);
  assertEqual('rolled', await gpu.read(there), [6, 4, 5, 3, 1, 2]);
  const back = poisoned(6, 'back');
  await roll2d(gpu, s, there, back, -1, -1);
  assertEqual('rolled back', await gpu.read(back), [1, 2, 3, 4, 5, 6]);
});

// (9, 3, 7, 5): 105 values a plane, four planes to a 2048-byte window: seven windows at unaligned offsets.
test(`roll2d matches the reference for (9, 3, 7, 5) bound in ${SLICED_BYTES}-byte windows`, async () => {
  const s: ImageShape = { n: 9, c: 3, h: 7, w: 5 };
  if (s.n * s.c * s.h * s.w <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, s, -3, 2);
});

test('roll2d rejects a fractional shift, an output that is its input and a tensor of the wrong size', async () => {
  const s: ImageShape = { n: 1, c: 1, h: 2, w: 2 };
  const x = upload([1, 2, 3, 4]);
  const cases: Array<[() => Promise<void>, RegExp]> = [
    [() => roll2d(gpu, s, x, poisoned(4), 0.5, 0), /roll2d: shifts must be whole numbers/],
    [() => roll2d(gpu, s, x, x, 1, 0), /roll2d: x and y must be different tensors/],
    [() => roll2d(gpu, s, x, poisoned(5), 1, 0), /roll2d: y .* has 5 elements but shape \(1, 1, 2, 2\) needs 4/],
  ];
  for (const [run, expected] of cases) {
    const message = await run().then(() => 'no error', (error: Error) => error.message);
    if (!expected.test(message)) throw new Error(`expected ${expected}, got: ${message}`);
  }
});

test.run();
