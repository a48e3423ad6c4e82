import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { gradCam, gradCamWeights } from '../src/nn/mod.ts';
import { gradCam as refGradCam, gradCamWeights as refGradCamWeights } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('grad_cam');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/** s.c is the number of feature maps K. Both kernels, each from the reference's own inputs. */
async function check(device: Gpu, s: ImageShape): Promise<void> {
  const length = s.n * s.c * s.h * s.w;
  // Activations after a ReLU are ≥ 0; gradients of both signs, so that the ReLU of the sum bites.
  const a = random.uniformArray(length, 0, 2);
  const dA = random.uniformArray(length);
  const w = poisoned(s.n * s.c, 'w');
  await gradCamWeights(device, s, upload(dA, 'dA'), w);
  const weights = refGradCamWeights(s, dA);
  assertClose('weights', await device.read(w), weights, { random });
  const cam = poisoned(s.n * s.h * s.w, 'cam');
  const wf = Float32Array.from(weights);
  await gradCam(device, s, upload(a, 'A'), upload(wf, 'w'), cam);
  const expected = refGradCam(s, a, wf);
  if (!expected.some((v) => v === 0) && s.h * s.w > 4) throw new Error('the case never rectifies: the ReLU is untested');
  assertClose('cam', await device.read(cam), expected, { random, atol: 1e-5 * s.c });
}

const SHAPES: Array<[string, ImageShape]> = [
  ['one map of 1×1', { n: 1, c: 1, h: 1, w: 1 }],
  ['16 maps of 5×6, batch 3', { n: 3, c: 16, h: 5, w: 6 }],
  ["VGG16's last stage, 512 maps of 14×14, batch 2", { n: 2, c: 512, h: 14, w: 14 }],
];
for (const [name, s] of SHAPES) test(`grad_cam_weights and grad_cam match the reference for ${name}`, () => check(gpu, s));

test(`grad_cam_weights and grad_cam match the reference for (5, 8, 5, 7) bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (5 * 8 * 35 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, { n: 5, c: 8, h: 5, w: 7 });
});

test('grad_cam on a hand case: two 1×2 maps, gradients with means 1 and −0.5', async () => {
  const s: ImageShape = { n: 1, c: 2, h: 1, w: 2 };
  const w = poisoned(2, 'w');
  await gradCamWeights(gpu, s, upload([0.5, 1.5, -1, 0]), w);
  assertClose('weights', await gpu.read(w), [1, -0.5], { rtol: 0 });
  // A = (2, 1), (2, 4): 1·2 − 0.5·2 = 1 and max(0, 1·1 − 0.5·4) = 0.
  const cam = poisoned(2, 'cam');
  await gradCam(gpu, s, upload([2, 1, 2, 4]), w, cam);
  assertClose('cam', await gpu.read(cam), [1, 0], { rtol: 0 });
});

test.run();
