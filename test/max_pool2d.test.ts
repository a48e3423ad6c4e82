import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { maxPool2dBackward, maxPool2dForward } from '../src/nn/mod.ts';
import { maxPool2dBackward as refBackward, maxPool2dForward as refForward } from '../src/reference/mod.ts';
import { type MaxPool2dShape, maxPool2dOutputSize } from '../src/shapes/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('max_pool2d');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

// Odd heights and widths, whose last row or column floor mode drops; 1 and 3 channels; batch > 1.
const SHAPES: Array<[string, MaxPool2dShape]> = [
  ['1 channel, 4×4', { n: 1, c: 1, h: 4, w: 4 }],
  ['3 channels, odd width', { n: 1, c: 3, h: 6, w: 9 }],
  ['1 channel, odd height and width, batch 3', { n: 3, c: 1, h: 7, w: 5 }],
  ['3 channels, odd height, batch 2', { n: 2, c: 3, h: 9, w: 10 }],
  ['a 2×3 input (one window and a dropped column), batch 2', { n: 2, c: 1, h: 2, w: 3 }],
  ['a VGG-like 64 channels at 17×15, batch 2', { n: 2, c: 64, h: 17, w: 15 }],
];

// Ties decide the switch: of equal values the first in window order must win, as in the reference
// (PyTorch's strict >), or the deconvnet rule routes through a different element.
const FILLS: Array<[string, (length: number) => Float32Array]> = [
  ['random values', (length) => random.uniformArray(length)],
  ['many ties (values in {−1, 0, 1})', (length) => Float32Array.from({ length }, () => random.int(3) - 1)],
  ['post-ReLU zeros (most windows hold several)', (length) => random.uniformArray(length, -1, 0.4).map((v) => Math.max(v, 0))],
  ['windows of equal values', (length) => new Float32Array(length).fill(0.25)],
];

function sizes(s: MaxPool2dShape): { inLength: number; outLength: number } {
  const [oh, ow] = maxPool2dOutputSize(s);
  return { inLength: s.n * s.c * s.h * s.w, outLength: s.n * s.c * oh * ow };
}

async function checkForward(device: Gpu, s: MaxPool2dShape, x: Float32Array): Promise<void> {
  const { outLength } = sizes(s);
  const y = poisoned(outLength, 'y');
  const switches = poisoned(outLength, 'switches');
  await maxPool2dForward(device, s, upload(x, 'x'), y, switches);
  const expected = refForward(s, x);
  // The kernel only copies the winning value, so y must match exactly, as must every switch.
  assertEqual('y', await device.read(y), expected.y, { random });
  assertEqual('switches', await device.readU32(switches), expected.switches, { random });
}

async function checkBackward(device: Gpu, s: MaxPool2dShape, x: Float32Array): Promise<void> {
  const { inLength, outLength } = sizes(s);
  const { switches } = refForward(s, x);
  const dy = random.uniformArray(outLength);
  const dx = poisoned(inLength, 'dx');
  await maxPool2dBackward(device, s, upload(dy, 'dy'), gpu.tensorFrom(switches, 'switches'), dx);
  assertClose('dx', await device.read(dx), refBackward(s, dy, switches), { random });
}

for (const [name, s] of SHAPES) {
  for (const [fillName, fill] of FILLS) {
    test(`max_pool2d_forward matches the reference, switches included, for ${name}, ${fillName}`, () =>
      checkForward(gpu, s, fill(sizes(s).inLength)));
  }
  test(`max_pool2d_backward matches the reference for ${name}, with tied windows`, () =>
    checkBackward(gpu, s, FILLS[2][1](sizes(s).inLength)));
}

test('max_pool2d_forward and max_pool2d_backward agree with a 3×5 example worked by hand', async () => {
  const s: MaxPool2dShape = { n: 1, c: 1, h: 3, w: 5 };
  // One output row of two windows; the last row and column are dropped. The second window is a tie
  // of 7s: its first 7, at flat index 3, wins.
  const x = [
    1, 4, 2, 7, 9,
    3, 2, 7, 7, 9,
    9, 9, 9, 9, 9,
  ];
  const y = poisoned(2, 'y');
  const switches = poisoned(2, 'switches');
  await maxPool2dForward(gpu, s, upload(x, 'x'), y, switches);
  assertEqual('y', await gpu.read(y), [4, 7]);
  assertEqual('switches', await gpu.readU32(switches), [1, 3]);
  const dx = poisoned(15, 'dx');
  await maxPool2dBackward(gpu, s, upload([0.5, -2], 'dy'), switches, dx);
  assertEqual('dx', await gpu.read(dx), [0, 0.5, 0, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

// (5, 3, 7, 9): 189 input values per image, two images to a 2048-byte window, so the batch runs in
// three dispatches whose windows start at unaligned offsets; switches must still index the whole x.
const SLICED: MaxPool2dShape = { n: 5, c: 3, h: 7, w: 9 };

test(`max_pool2d_forward matches the reference, switches included, for (5, 3, 7, 9) bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (sizes(SLICED).inLength <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await checkForward(sliced, SLICED, FILLS[1][1](sizes(SLICED).inLength));
});

test(`max_pool2d_backward matches the reference for (5, 3, 7, 9) bound in ${SLICED_BYTES}-byte windows`, () =>
  checkBackward(sliced, SLICED, FILLS[2][1](sizes(SLICED).inLength)));

test('max_pool2d_forward rejects an input too small to hold one window', async () => {
  let message = '';
  try {
    await maxPool2dForward(gpu, { n: 1, c: 1, h: 1, w: 4 }, upload([1, 2, 3, 4], 'x'), poisoned(1, 'y'), poisoned(1, 'switches'));
  } catch (error) {
    message = (error as Error).message;
  }
  if (!/max_pool2d_forward: a 1×4 input leaves no output \(0×2\)/.test(message)) throw new Error(`unexpected message: ${message}`);
});

test.run();
