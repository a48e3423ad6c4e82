import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gpu } from '../src/gpu/mod.ts';
import { anchoredAscentStep } from '../src/nn/mod.ts';
import { anchoredAscentStep as refAnchoredAscentStep } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('anchored_ascent_step');

// 2000 bytes hold 436 elements after the alignment's slack: windows start at multiples of 436, which
// cut through channels and images, so each element's channel and anchor pixel come from its offset.
const SLICED_BYTES = 2000;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

type Shape = { n: number; c: number; h: number; w: number };

/**
 * Two steps with fresh gradients, each checked against the reference from the image the GPU holds: the
 * new image and the change to it. Bounds of ±0.9 around each channel's own centre clamp a good part of
 * the values (the image starts in [−1, 1) and moves by up to η·1.2), so the clamp is checked too; the
 * step works in place, so an element it failed to write shows as no change where one was due.
 */
async function check(device: Gpu, shape: Shape, learningRate: number, l2: number): Promise<void> {
  const { n, c, h, w } = shape;
  const length = n * c * h * w;
  const centres = Array.from({ length: c }, (_, k) => 0.2 * k - 0.1);
  // Rounded to float32 as the GPU holds them, so that a value clamped in both steps changes by 0 in each.
  const bounds = { lower: centres.map((m) => Math.fround(m - 0.9)), upper: centres.map((m) => Math.fround(m + 0.9)) };
  const anchor = random.uniformArray(c * h * w);
  const anchorTensor = upload(anchor, 'anchor');
  const boundsTensor = upload(centres.flatMap((_, k) => [bounds.lower[k], bounds.upper[k]]), 'bounds');
  let image = Float64Array.from(random.uniformArray(length));
  const tensor = upload(image, 'image');
  let clamped = 0;
  for (let step = 1; step <= 2; step++) {
    const gradient = Float32Array.from({ length }, () => (random.uniform() < 0.5 ? -1 : 1) * random.uniform(0.2, 1));
    await anchoredAscentStep(device, shape, tensor, upload(gradient, 'gradient'), anchorTensor, boundsTensor, learningRate, l2);
    const actual = await device.read(tensor);
    const expected = refAnchoredAscentStep(image, gradient, anchor, bounds, learningRate, l2);
    assertClose(`image after step ${step}`, actual, expected, { random });
    assertClose(`change in step ${step}`, actual.map((v, i) => v - image[i]), expected.map((v, i) => v - image[i]), { random });
    clamped += expected.filter((v, i) => v === bounds.lower[Math.floor((i % anchor.length) / (h * w))] || v === bounds.upper[Math.floor((i % anchor.length) / (h * w))]).length;
    image = Float64Array.from(actual);
  }
  // Over a few dozen values some always do; a single pixel may not.
  if (length >= 32) assert.ok(clamped > 0, 'no value reached a bound: the clamp went unchecked');
}

const CASES: Array<[string, Shape, number, number]> = [
  ['one grey pixel', { n: 1, c: 1, h: 1, w: 1 }, 0.9, 0.02],
  ['a batch of 3 grey 9×11 images', { n: 3, c: 1, h: 9, w: 11 }, 0.8, 0.05],
  ['a batch of 2 colour 17×19 images, no L2 penalty', { n: 2, c: 3, h: 17, w: 19 }, 0.7, 0],
  ['a batch of 10 colour 64×64 images (the colour model\'s ten classes)', { n: 10, c: 3, h: 64, w: 64 }, 0.5, 0.02],
];

for (const [name, shape, learningRate, l2] of CASES) {
  test(`anchored_ascent_step matches the reference over two steps for ${name} (η ${learningRate}, λ ${l2})`, () => check(gpu, shape, learningRate, l2));
}

// The anchor, one image, is bound whole; the batch is what gets sliced.
test(`anchored_ascent_step matches the reference for 4 colour 7×11 images bound in ${SLICED_BYTES}-byte windows`, async () => {
  const shape = { n: 4, c: 3, h: 7, w: 11 };
  if (4 * 3 * 7 * 11 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, shape, 0.6, 0.01);
});

test('anchored_ascent_step rejects tensors of the wrong size, a negative λ and a learning rate that is not finite', async () => {
  const shape = { n: 2, c: 1, h: 1, w: 2 };
  const image = upload([1, 2, 3, 4], 'image');
  const gradient = upload([1, 1, 1, 1], 'gradient');
  const anchor = upload([0, 0], 'anchor');
  const bounds = upload([-1, 1], 'bounds');
  const cases: Array<[() => Promise<void>, RegExp]> = [
    [() => anchoredAscentStep(gpu, shape, image, gradient, anchor, bounds, 0.1, -1), /learning rate 0\.1 must be finite and λ -1 finite and ≥ 0/],
    [() => anchoredAscentStep(gpu, shape, image, gradient, anchor, bounds, Number.NaN, 0), /learning rate NaN must be finite/],
    [() => anchoredAscentStep(gpu, shape, image, gradient, upload([0, 0, 0], 'anchor'), bounds, 0.1, 0), /anchor \(anchor\) has 3 elements but shape \(1, 1, 2\) needs 2/],
    [() => anchoredAscentStep(gpu, shape, image, gradient, anchor, upload([0], 'bounds'), 0.1, 0), /bounds \(bounds\) has 1 elements but shape \(1, 2\) needs 2/],
    [() => anchoredAscentStep(gpu, { ...shape, n: 3 }, image, gradient, anchor, bounds, 0.1, 0), /image \(image\) has 4 elements but shape \(3, 1, 1, 2\) needs 6/],
  ];
  for (const [run, pattern] of cases) {
    try {
      await run();
      assert.unreachable(`no error for ${pattern}`);
    } catch (error) {
      assert.instance(error, RangeError);
      assert.match((error as Error).message, pattern);
    }
  }
});

test.run();
