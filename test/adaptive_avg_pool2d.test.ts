import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from '../src/nn/mod.ts';
import { adaptiveAvgPool2dBackward as refBackward, adaptiveAvgPool2dForward as refForward } from '../src/reference/mod.ts';
import type { AdaptiveAvgPool2dShape } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('adaptive_avg_pool2d');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

// Windows that tile exactly, overlap (sizes that do not divide), repeat inputs (upsampling), and the
// identity VGG16 sees at 224×224; 1 and 3 channels, batch > 1.
const SHAPES: Array<[string, AdaptiveAvgPool2dShape]> = [
  ['divisible 6×4 → 3×2, 3 channels, batch 2', { n: 2, c: 3, h: 6, w: 4, outH: 3, outW: 2 }],
  ['non-divisible 5×7 → 3×2 (overlapping windows), batch 3', { n: 3, c: 1, h: 5, w: 7, outH: 3, outW: 2 }],
  ['upsampling 2×3 → 3×4, 3 channels', { n: 1, c: 3, h: 2, w: 3, outH: 3, outW: 4 }],
  ['7×7 → 7×7 (the identity), 3 channels, batch 2', { n: 2, c: 3, h: 7, w: 7, outH: 7, outW: 7 }],
  ['global 9×11 → 1×1, batch 2', { n: 2, c: 3, h: 9, w: 11, outH: 1, outW: 1 }],
  ['a VGG-like 64 channels at 13×10 → 7×7', { n: 1, c: 64, h: 13, w: 10, outH: 7, outW: 7 }],
];

function sizes(s: AdaptiveAvgPool2dShape): { inLength: number; outLength: number } {
  return { inLength: s.n * s.c * s.h * s.w, outLength: s.n * s.c * s.outH * s.outW };
}

async function checkForward(device: Gpu, s: AdaptiveAvgPool2dShape): Promise<void> {
  const { inLength, outLength } = sizes(s);
  const x = random.uniformArray(inLength);
  const y = poisoned(outLength, 'y');
  await adaptiveAvgPool2dForward(device, s, upload(x, 'x'), y);
  assertClose('y', await device.read(y), refForward(s, x), { random });
}

async function checkBackward(device: Gpu, s: AdaptiveAvgPool2dShape): Promise<void> {
  const { inLength, outLength } = sizes(s);
  const dy = random.uniformArray(outLength);
  const dx = poisoned(inLength, 'dx');
  await adaptiveAvgPool2dBackward(device, s, upload(dy, 'dy'), dx);
  assertClose('dx', await device.read(dx), refBackward(s, dy), { random });
}

for (const [name, s] of SHAPES) {
  test(`adaptive_avg_pool2d_forward matches the reference for ${name}`, () => checkForward(gpu, s));
  test(`adaptive_avg_pool2d_backward matches the reference for ${name}`, () => checkBackward(gpu, s));
}

test('adaptive_avg_pool2d_forward and _backward agree with a 3×2 → 2×1 example worked by hand', async () => {
  const s: AdaptiveAvgPool2dShape = { n: 1, c: 1, h: 3, w: 2, outH: 2, outW: 1 };
  // Rows [0, 2) and [1, 3): the middle row is in both windows.
  const y = poisoned(2, 'y');
  await adaptiveAvgPool2dForward(gpu, s, upload([1, 2, 3, 4, 5, 6], 'x'), y);
  assertClose('y', await gpu.read(y), [2.5, 4.5]);
  const dx = poisoned(6, 'dx');
  await adaptiveAvgPool2dBackward(gpu, s, upload([4, 8], 'dy'), dx);
  assertClose('dx', await gpu.read(dx), [1, 1, 3, 3, 2, 2]);
});

// (9, 3, 5, 7) → 3×2: 105 input values per image, four images to a 2048-byte window, so the batch
// runs in three dispatches whose windows start at unaligned offsets.
const SLICED: AdaptiveAvgPool2dShape = { n: 9, c: 3, h: 5, w: 7, outH: 3, outW: 2 };

test(`adaptive_avg_pool2d_forward matches the reference for (9, 3, 5, 7) → 3×2 bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (sizes(SLICED).inLength <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await checkForward(sliced, SLICED);
});

test(`adaptive_avg_pool2d_backward matches the reference for (9, 3, 5, 7) → 3×2 bound in ${SLICED_BYTES}-byte windows`, () =>
  checkBackward(sliced, SLICED));

test.run();
