import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { sgdMomentumStep, type SgdMomentumOptions } from '../src/nn/mod.ts';
import { sgdMomentumStep as refSgdMomentumStep } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('sgd_momentum_step');

// 2000 bytes hold 436 elements after the alignment's slack: windows start at multiples of 436, not of
// the 64-element alignment.
const SLICED_BYTES = 2000;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/**
 * Runs `steps` steps from zero velocity, with weight-sized parameters (±0.05) and a fresh gradient each
 * step. Each step starts the reference from the state the GPU holds, and the update itself is
 * compared as well as the new state: beside a parameter the update is small, and an error in it could
 * hide in the parameter's comparison.
 *
 * The step works in place, so nothing can be poisoned; an element it failed to write shows as no
 * update where one was due. Each element's gradient keeps one sign, over magnitudes 0.01 … 1, so that
 * the velocity never cancels: an update near zero would be below f32's resolution of the parameter it
 * is added to, which no kernel could match to a float64 reference.
 */
async function check(device: Gpu, length: number, o: SgdMomentumOptions, steps: number): Promise<void> {
  const signs = Array.from({ length }, () => (random.uniform() < 0.5 ? -1 : 1));
  const paramTensor = upload(random.uniformArray(length, -0.05, 0.05), 'param');
  const velocityTensor = upload(new Float32Array(length), 'velocity');
  for (let step = 1; step <= steps; step++) {
    const before = await device.read(paramTensor);
    const param = Float64Array.from(before);
    const velocity = Float64Array.from(await device.read(velocityTensor));
    const grad = Float32Array.from(signs, (sign) => sign * 10 ** random.uniform(-2, 0));
    await sgdMomentumStep(device, paramTensor, upload(grad, 'grad'), velocityTensor, o);
    refSgdMomentumStep(param, grad, velocity, o);
    const after = await device.read(paramTensor);
    assertClose(`velocity after step ${step}`, await device.read(velocityTensor), velocity, { random });
    // A step of up to 0.1 may carry a lone parameter (the one-element case) to near zero, where a relative
    // error measures float32's rounding alone: there the parameter is held to a few ulps of the values
    // around it (the rounding of the update and of the sum), and the update below to its own scale.
    const ulp = Math.max(...before.map(Math.abs), ...param.map(Math.abs)) * 2 ** -23;
    assertClose(`param after step ${step}`, after, param, { random, ...(length === 1 ? { atol: 4 * ulp, rel: Infinity } : {}) });
    assertClose(`update in step ${step}`, after.map((x, i) => x - before[i]), param.map((x, i) => x - before[i]), { random });
  }
}

const CASES: Array<[string, number, SgdMomentumOptions]> = [
  ['one element', 1, { learningRate: 0.1, momentum: 0.9 }],
  ['a 3×3×3×5 conv weight', 3 * 3 * 3 * 5, { learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4 }],
  ['a 37×45 linear weight, no momentum', 37 * 45, { learningRate: 0.05, momentum: 0 }],
  ['a 64×64×3×3 conv weight, strong weight decay', 64 * 64 * 9, { learningRate: 0.02, momentum: 0.5, weightDecay: 0.1 }],
];

for (const [name, length, o] of CASES) {
  const decay = o.weightDecay ? `, weight decay ${o.weightDecay}` : '';
  test(`sgd_momentum_step matches the reference over four steps for ${name} (lr ${o.learningRate}, momentum ${o.momentum}${decay})`, () =>
    check(gpu, length, o, 4));
}

test(`sgd_momentum_step matches the reference for 1501 parameters bound in ${SLICED_BYTES}-byte windows at unaligned offsets`, async () => {
  if (1501 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, 1501, { learningRate: 0.03, momentum: 0.9, weightDecay: 1e-3 }, 3);
});

test.run();
