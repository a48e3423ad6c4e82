import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { integrationPoints, type IntegrationShape } from '../src/nn/mod.ts';
import { integrationPoints as refIntegrationPoints } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('integration_points');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/** Builds copies first … first + count − 1 into a poisoned tensor one copy longer than needed (that copy must stay NaN). */
async function check(device: Gpu, s: IntegrationShape, first: number, count: number): Promise<void> {
  const x = random.uniformArray(s.n * s.size, -2, 2);
  const out = poisoned((count + 1) * s.size, 'points');
  await integrationPoints(device, s, upload(x, 'x'), out, first, count);
  const got = await device.read(out);
  assertClose('points', got.subarray(0, count * s.size), refIntegrationPoints(x, s.n, s.size, s.steps, s.baseline, first, count), { random, rtol: 1e-6 });
  if (!got.subarray(count * s.size).every(Number.isNaN)) throw new Error('integration_points wrote past its copies');
}

test('integration_points: one image, four steps about 0, all copies', () => check(gpu, { n: 1, size: 37, steps: 4, baseline: 0 }, 0, 4));
test('integration_points: three images of 3×5×7, five steps about −0.5, a batch that starts and ends inside images', () =>
  check(gpu, { n: 3, size: 105, steps: 5, baseline: -0.5 }, 3, 9));
test('integration_points: one step is the midpoint (x + b)/2', () => check(gpu, { n: 4, size: 10, steps: 1, baseline: 1.5 }, 1, 3));
test('integration_points: a 3×224×224 image, 32 steps, 6 copies', () => check(gpu, { n: 2, size: 3 * 224 * 224, steps: 32, baseline: 0 }, 29, 6));
test(`integration_points: (3 images × 7 steps) of 3×5×9 bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (135 * 10 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, { n: 3, size: 135, steps: 7, baseline: 0.25 }, 2, 17);
});

test('integration_points on a hand case: x = 2, b = 0, m = 2 gives 0.5 and 1.5', async () => {
  const out = poisoned(2, 'points');
  await integrationPoints(gpu, { n: 1, size: 1, steps: 2, baseline: 0 }, upload([2], 'x'), out, 0, 2);
  assertClose('points', await gpu.read(out), [0.5, 1.5], { rtol: 0 });
});

test('integration_points refuses copies past the end and a baseline that is not finite', async () => {
  const x = upload([1, 2], 'x');
  const out = gpu.tensor(4, 'out');
  await assertRejectsWith(() => integrationPoints(gpu, { n: 1, size: 2, steps: 2, baseline: 0 }, x, out, 1, 2), RangeError, /copies 1…2 are outside the 2/);
  await assertRejectsWith(() => integrationPoints(gpu, { n: 1, size: 2, steps: 2, baseline: Number.NaN }, x, out, 0, 2), RangeError, /baseline must be finite/);
});

test.run();
