import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { ascentStep } from '../src/nn/mod.ts';
import { ascentStep as refAscentStep } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('ascent_step');

// 2000 bytes hold 436 elements after the alignment's slack: windows start at multiples of 436, not of
// the 64-element alignment.
const SLICED_BYTES = 2000;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/**
 * Runs `steps` ascent steps with a fresh gradient each, as class-model visualisation does, and checks
 * after each the new image and the change to it against the reference's, from the image the GPU holds.
 * The step works in place, so its output cannot be poisoned; an element it failed to write shows as
 * no change where one was due. Gradients lie in ±[0.2, 1) and the η and λ of the cases keep
 * 2λ·|image| below 0.2, so that no change cancels to below f32's resolution of the pixel it is added
 * to, which no kernel could match to a float64 reference.
 */
async function check(device: Gpu, length: number, learningRate: number, l2: number, steps: number): Promise<void> {
  let image = Float64Array.from(random.uniformArray(length));
  const tensor = upload(image, 'image');
  for (let step = 1; step <= steps; step++) {
    const gradient = Float32Array.from({ length }, () => (random.uniform() < 0.5 ? -1 : 1) * random.uniform(0.2, 1));
    await ascentStep(device, tensor, upload(gradient, 'gradient'), learningRate, l2);
    const actual = await device.read(tensor);
    const expected = refAscentStep(image, gradient, learningRate, l2);
    assertClose(`image after step ${step}`, actual, expected, { random });
    assertClose(`change in step ${step}`, actual.map((v, i) => v - image[i]), expected.map((v, i) => v - image[i]), { random });
    image = Float64Array.from(actual);
  }
}

const CASES: Array<[string, number, number, number]> = [
  ['one element', 1, 0.5, 0.01],
  ['a 3×17×19 image, no L2 penalty', 3 * 17 * 19, 0.5, 0],
  ['a 3×17×19 image, λ 0.02', 3 * 17 * 19, 0.3, 0.02],
  ['a batch of two 3×224×224 images', 2 * 3 * 224 * 224, 0.1, 0.001],
];

for (const [name, length, learningRate, l2] of CASES) {
  test(`ascent_step matches the reference over three steps for ${name} (η ${learningRate}, λ ${l2})`, () =>
    check(gpu, length, learningRate, l2, 3));
}

test(`ascent_step matches the reference for a 3×23×29 image bound in ${SLICED_BYTES}-byte windows at unaligned offsets`, async () => {
  const length = 3 * 23 * 29;
  if (length <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, length, 0.2, 0.01, 2);
});

test('ascent_step rejects a negative λ and a learning rate that is not finite', async () => {
  const image = upload([1, 2], 'image');
  const gradient = upload([1, 1], 'gradient');
  const messages: string[] = [];
  for (const [learningRate, l2] of [[0.1, -1], [Number.NaN, 0], [Infinity, 0]]) {
    try {
      await ascentStep(gpu, image, gradient, learningRate, l2);
      messages.push('no error');
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      messages.push(error.message);
    }
  }
  const expected = /ascent_step: learning rate .* must be finite and λ .* finite and ≥ 0/;
  if (!messages.every((message) => expected.test(message))) throw new Error(`unexpected messages: ${messages.join('; ')}`);
});

test.run();
