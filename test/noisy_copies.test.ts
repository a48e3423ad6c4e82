import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gpu } from '../src/gpu/mod.ts';
import { noisyCopies, type NoisyCopiesShape } from '../src/nn/mod.ts';
import { counterNormal, noisyCopies as refNoisyCopies, pcgHash } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('noisy_copies');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/**
 * The GPU's copies against the float64 ones made from the same integers: they differ only by f32's
 * log, cos and sqrt, so a wrong hash, counter or image index cannot pass. The copy after the last must stay NaN.
 */
async function check(device: Gpu, s: NoisyCopiesShape, first: number, count: number): Promise<void> {
  const x = random.uniformArray(s.n * s.size, -2, 2);
  const sigma = Float32Array.from({ length: s.n }, () => random.uniform(0.1, 1));
  const out = poisoned((count + 1) * s.size, 'copies');
  await noisyCopies(device, s, upload(x, 'x'), upload(sigma, 'sigma'), out, first, count);
  const got = await device.read(out);
  const expected = refNoisyCopies(x, sigma, s.n, s.size, s.samples, s.seed, first, count, s.offset);
  assertClose('copies', got.subarray(0, count * s.size), expected, { random, atol: 2e-5, rtol: 1e-5 });
  if (!got.subarray(count * s.size).every(Number.isNaN)) throw new Error('noisy_copies wrote past its copies');
}

test('noisy_copies: one image, five samples, all copies', () => check(gpu, { n: 1, size: 41, samples: 5, seed: 7 }, 0, 5));
test('noisy_copies: three images of 3×5×7, four samples, a batch that starts and ends inside images, seed 2³²−1, copies numbered from 40', () =>
  check(gpu, { n: 3, size: 105, samples: 4, seed: 0xffffffff, offset: 40 }, 2, 7));
test('noisy_copies: a 3×224×224 image, 3 copies', () => check(gpu, { n: 2, size: 3 * 224 * 224, samples: 50, seed: 12345 }, 48, 3));
test(`noisy_copies: (3 images × 6 samples) of 3×5×9 bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (135 * 10 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, { n: 3, size: 135, samples: 6, seed: 99 }, 1, 16);
});

test('pcgHash matches the published PCG hash on known values', () => {
  // pcg_hash(0) and pcg_hash(1) from Jarzynski & Olano's reference code, computed by hand in 64-bit integers.
  const pcg = (v: bigint) => {
    const state = (v * 747796405n + 2891336453n) & 0xffffffffn;
    const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) & 0xffffffffn;
    return Number((word >> 22n) ^ word);
  };
  for (const v of [0, 1, 2, 12345, 0x7fffffff, 0xffffffff]) assert.is(pcgHash(v), pcg(BigInt(v)), `pcg(${v})`);
});

test('counterNormal draws standard normals: mean, variance and tails of 200,000 draws', () => {
  const count = 200000;
  let sum = 0;
  let squares = 0;
  let beyond2 = 0;
  for (let e = 0; e < count; e++) {
    const z = counterNormal(3, e % 7, e);
    sum += z;
    squares += z * z;
    if (Math.abs(z) > 2) beyond2++;
  }
  const mean = sum / count;
  const variance = squares / count - mean * mean;
  // Five standard errors: mean ±0.011, variance ±0.016 (sd of a sample variance √(2/n)), P(|z|>2) = 0.0455 ± 0.0023.
  assert.ok(Math.abs(mean) < 0.011, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.016, `variance ${variance}`);
  assert.ok(Math.abs(beyond2 / count - 0.0455) < 0.0023, `P(|z| > 2) ${beyond2 / count}`);
});

test('noisy_copies with σ 0 copies each image exactly, and refuses a seed that is not a u32', async () => {
  const x = random.uniformArray(2 * 9);
  const out = poisoned(3 * 9, 'copies');
  await noisyCopies(gpu, { n: 2, size: 9, samples: 2, seed: 1 }, upload(x), upload([0, 0], 'sigma'), out, 1, 3);
  const got = await gpu.read(out);
  assert.equal([...got], [...x.subarray(0, 9), ...x.subarray(9), ...x.subarray(9)]);
  await assertRejectsWith(() => noisyCopies(gpu, { n: 2, size: 9, samples: 2, seed: -1 }, upload(x), upload([0, 0]), out, 0, 1), RangeError, /seed must be a u32/);
});

test.run();
