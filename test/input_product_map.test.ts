import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { inputProductMap } from '../src/nn/mod.ts';
import { inputProductMap as refInputProductMap } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('input_product_map');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

async function check(device: Gpu, s: ImageShape, baseline: number, scale: number): Promise<void> {
  const length = s.n * s.c * s.h * s.w;
  const x = random.uniformArray(length, -2, 2);
  const g = random.uniformArray(length);
  const map = poisoned(s.n * s.h * s.w, 'map');
  await inputProductMap(device, s, upload(x, 'x'), upload(g, 'g'), map, { baseline, scale });
  assertClose('map', await device.read(map), refInputProductMap(s, x, g, baseline, scale), { random, rtol: 1e-6 });
}

const CASES: Array<[string, ImageShape, number, number]> = [
  ['gradient × input, 1 channel, odd width', { n: 1, c: 1, h: 5, w: 7 }, 0, 1],
  ['gradient × input, 3 channels, batch 2', { n: 2, c: 3, h: 9, w: 11 }, 0, 1],
  ['Integrated Gradients, baseline −0.4, scale 1/32, batch 3 at 1×1', { n: 3, c: 3, h: 1, w: 1 }, -0.4, 1 / 32],
  ['a 224×224 RGB image, baseline 0.3, scale 1/7', { n: 1, c: 3, h: 224, w: 224 }, 0.3, 1 / 7],
];
for (const [name, s, baseline, scale] of CASES) test(`input_product_map matches the reference for ${name}`, () => check(gpu, s, baseline, scale));

test(`input_product_map matches the reference for (7, 3, 5, 9) bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (7 * 135 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, { n: 7, c: 3, h: 5, w: 9 }, 0.5, 0.25);
});

test('input_product_map on a hand case: channels (x, g) = (1, −3), (−2, 1), (0.5, 4) about baseline 1, scale ½', async () => {
  // |½(1−1)(−3)| = 0, |½(−2−1)(1)| = 1.5, |½(0.5−1)(4)| = 1: the map is 1.5.
  const map = poisoned(1, 'map');
  await inputProductMap(gpu, { n: 1, c: 3, h: 1, w: 1 }, upload([1, -2, 0.5]), upload([-3, 1, 4]), map, { baseline: 1, scale: 0.5 });
  assertClose('map', await gpu.read(map), [1.5], { rtol: 0 });
});

test.run();
