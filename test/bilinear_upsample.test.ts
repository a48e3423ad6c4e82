import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { bilinearUpsample, type ResampleShape } from '../src/nn/mod.ts';
import { bilinearUpsample as refBilinearUpsample } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('bilinear_upsample');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

async function check(device: Gpu, s: ResampleShape): Promise<void> {
  const x = random.uniformArray(s.planes * s.inH * s.inW);
  const y = poisoned(s.planes * s.outH * s.outW, 'y');
  await bilinearUpsample(device, s, upload(x, 'x'), y);
  assertClose('y', await device.read(y), refBilinearUpsample(x, s.planes, s.inH, s.inW, s.outH, s.outW), { random, rtol: 1e-5 });
}

const SHAPES: Array<[string, ResampleShape]> = [
  ['1×1 to 4×5 (a constant)', { planes: 1, inH: 1, inW: 1, outH: 4, outW: 5 }],
  ['VGG16 at 224: 14×14 to 224×224', { planes: 2, inH: 14, inW: 14, outH: 224, outW: 224 }],
  ['an awkward 5×6 to 20×24, 3 planes', { planes: 3, inH: 5, inW: 6, outH: 20, outW: 24 }],
  ['a non-integer ratio, 3×7 to 10×9', { planes: 2, inH: 3, inW: 7, outH: 10, outW: 9 }],
  ['same size (the identity)', { planes: 1, inH: 4, inW: 3, outH: 4, outW: 3 }],
];
for (const [name, s] of SHAPES) test(`bilinear_upsample matches the reference for ${name}`, () => check(gpu, s));

test(`bilinear_upsample matches the reference for 9 planes of 3×4 to 11×13 bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (9 * 143 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, { planes: 9, inH: 3, inW: 4, outH: 11, outW: 13 });
});

test("bilinear_upsample gives PyTorch's F.interpolate(align_corners=False) on a hand case, edges clamped", async () => {
  // F.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4), mode='bilinear', align_corners=False),
  // worked by hand from PyTorch's rule (source (o + ½)/2 − ½, clamped at 0 and at the last row): 1.0 1.25 1.75 2.0 | 1.5 1.75 2.25 2.5 | 2.5 2.75 3.25 3.5 | 3.0 3.25 3.75 4.0.
  const expected = [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4];
  assertClose('reference', refBilinearUpsample([1, 2, 3, 4], 1, 2, 2, 4, 4), expected, { rtol: 0, atol: 0 });
  const y = poisoned(16, 'y');
  await bilinearUpsample(gpu, { planes: 1, inH: 2, inW: 2, outH: 4, outW: 4 }, upload([1, 2, 3, 4]), y);
  assertClose('y', await gpu.read(y), expected, { rtol: 0, atol: 0 });
});

test.run();
