import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { type AdamOptions, adamStep } from '../src/nn/mod.ts';
import { adamStep as refAdamStep } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('adam_step');

// 2000 bytes hold 436 elements after the alignment's slack: windows start at multiples of 436, not of
// the 64-element alignment.
const SLICED_BYTES = 2000;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

const DEFAULTS: AdamOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Runs steps 1 … `steps` from zero moments, with weight-sized parameters (0.01 to 0.05 either way) and a fresh gradient
 * each step (so the bias corrections change every step). Each step starts the reference from the
 * state the GPU holds, and the update itself is compared as well as the new state: beside a parameter
 * the update is small, and an error in it could hide in the parameter's comparison.
 *
 * The step works in place, so nothing can be poisoned; an element it failed to write shows as no
 * update where one was due. Each element's gradient keeps one sign, over magnitudes 0.01 … 1, so that
 * m never cancels: an update near zero would be below f32's resolution of the parameter it is added
 * to, which no kernel could match to a float64 reference.
 */
async function check(device: Gpu, length: number, o: AdamOptions, steps: number): Promise<void> {
  const signs = Array.from({ length }, () => (random.uniform() < 0.5 ? -1 : 1));
  // At least 0.01 from zero: a parameter that Adam's steps of about η carry to near zero is compared by its
  // float32 rounding alone (the one-element case failed so at seed 3155649550, 1.25e-4 relative).
  const paramTensor = upload(Float32Array.from({ length }, () => (random.uniform() < 0.5 ? -1 : 1) * random.uniform(0.01, 0.05)), 'param');
  const mTensor = upload(new Float32Array(length), 'm');
  const vTensor = upload(new Float32Array(length), 'v');
  for (let step = 1; step <= steps; step++) {
    const before = await device.read(paramTensor);
    const param = Float64Array.from(before);
    const m = Float64Array.from(await device.read(mTensor));
    const v = Float64Array.from(await device.read(vTensor));
    const grad = Float32Array.from(signs, (sign) => sign * 10 ** random.uniform(-2, 0));
    await adamStep(device, paramTensor, upload(grad, 'grad'), mTensor, vTensor, step, o);
    refAdamStep(param, grad, m, v, step, o);
    const after = await device.read(paramTensor);
    assertClose(`m after step ${step}`, await device.read(mTensor), m, { random });
    assertClose(`v after step ${step}`, await device.read(vTensor), v, { random });
    assertClose(`param after step ${step}`, after, param, { random });
    assertClose(`update in step ${step}`, after.map((x, i) => x - before[i]), param.map((x, i) => x - before[i]), { random });
  }
}

const CASES: Array<[string, number, AdamOptions]> = [
  ['one element', 1, DEFAULTS],
  ['a 3×3×3×5 conv weight', 3 * 3 * 3 * 5, DEFAULTS],
  ['a 37×45 linear weight, weight decay 0.01', 37 * 45, { ...DEFAULTS, learningRate: 0.01, weightDecay: 0.01 }],
  ['a 64×64×3×3 conv weight, β₁ 0.5, β₂ 0.9, ε 1e-4', 64 * 64 * 9, { learningRate: 0.005, beta1: 0.5, beta2: 0.9, epsilon: 1e-4 }],
];

for (const [name, length, o] of CASES) {
  test(`adam_step matches the reference over steps 1 to 5 for ${name}`, () => check(gpu, length, o, 5));
}

test(`adam_step matches the reference for 1501 parameters bound in ${SLICED_BYTES}-byte windows at unaligned offsets`, async () => {
  if (1501 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, 1501, { ...DEFAULTS, weightDecay: 1e-3 }, 3);
});

test('adam_step rejects a step count that is not an integer from 1', async () => {
  const t = upload([1], 'param');
  const messages: string[] = [];
  for (const step of [0, 1.5, -1]) {
    try {
      await adamStep(gpu, t, upload([1], 'grad'), upload([0], 'm'), upload([0], 'v'), step, DEFAULTS);
      messages.push('no error');
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      messages.push(error.message);
    }
  }
  if (!messages.every((message) => /adam_step: step .* must be an integer ≥ 1/.test(message))) {
    throw new Error(`unexpected messages: ${messages.join('; ')}`);
  }
});

test.run();
