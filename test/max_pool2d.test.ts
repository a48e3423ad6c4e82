import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { maxPool2dBackward, type MaxPool2dBackwardVariant, maxPool2dBackwardVariant, maxPool2dForward, type MaxPool2dForwardVariant, maxPool2dForwardVariant } from '../src/nn/mod.ts';
import { maxPool2dBackward as refBackward, maxPool2dForward as refForward } from '../src/reference/mod.ts';
import { type MaxPool2dShape, maxPool2dOutputSize } from '../src/shapes/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

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
  // Rows of whole groups of 8 (forward version 2): an odd height, one group of 4 windows a row, and 3.
  ['2 channels, 7×8 (odd height), batch 2', { n: 2, c: 2, h: 7, w: 8 }],
  ['5 channels, 6×24, batch 3', { n: 3, c: 5, h: 6, w: 24 }],
  ['a VGG-like 64 channels at 10×72 (9 groups of 4 windows a row)', { n: 1, c: 64, h: 10, w: 72 }],
  // Windows with a size, stride and padding: overlapping windows whose gradients add at a shared switch,
  // padding on some sides only, a stride larger than the window (rows no window reaches), 1×1 planes.
  ["ResNet's 3×3/2 pad 1, 3 channels, odd size, batch 2", { n: 2, c: 3, h: 9, w: 7, size: 3, stride: 2, pads: [1, 1, 1, 1] }],
  ['3×3/2 pad 1 on 1×1 planes', { n: 2, c: 3, h: 1, w: 1, size: 3, stride: 2, pads: [1, 1, 1, 1] }],
  ['3×3/1 with pads (0, 2, 1, 0)', { n: 1, c: 2, h: 6, w: 5, size: 3, stride: 1, pads: [0, 2, 1, 0] }],
  ['2×2/3, rows and columns no window reaches', { n: 1, c: 1, h: 8, w: 7, size: 2, stride: 3 }],
  ['5×5/2 pad 2, 1 channel', { n: 1, c: 1, h: 10, w: 11, size: 5, stride: 2, pads: [2, 2, 2, 2] }],
  // Windows that tile (backward version 2) with rows and columns floor mode drops on both axes.
  ['3×3/3, two rows and a column dropped, batch 2', { n: 2, c: 3, h: 11, w: 7, size: 3, stride: 3 }],
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

async function checkForward(device: Gpu, s: MaxPool2dShape, x: Float32Array, variant?: MaxPool2dForwardVariant): Promise<void> {
  const { outLength } = sizes(s);
  const y = poisoned(outLength, 'y');
  const switches = poisoned(outLength, 'switches');
  await maxPool2dForward(device, s, upload(x, 'x'), y, switches, variant);
  const expected = refForward(s, x);
  // The kernel only copies the winning value, so y must match exactly, as must every switch.
  assertEqual('y', await device.read(y), expected.y, { random });
  assertEqual('switches', await device.readU32(switches), expected.switches, { random });
}

async function checkBackward(device: Gpu, s: MaxPool2dShape, x: Float32Array, variant?: MaxPool2dBackwardVariant): Promise<void> {
  const { inLength, outLength } = sizes(s);
  const { switches } = refForward(s, x);
  const dy = random.uniformArray(outLength);
  const dx = poisoned(inLength, 'dx');
  await maxPool2dBackward(device, s, upload(dy, 'dy'), gpu.tensorFrom(switches, 'switches'), dx, variant);
  assertClose('dx', await device.read(dx), refBackward(s, dy, switches), { random });
}

// Version 2 takes only windows that tile the input: stride = size, no padding (the default 2×2/2).
const tiles = (s: MaxPool2dShape) => (s.stride ?? 2) === (s.size ?? 2) && (s.pads ?? [0, 0, 0, 0]).every((pad) => pad === 0);

for (const [name, s] of SHAPES) {
  for (const [fillName, fill] of FILLS) {
    for (const variant of maxPool2dForwardVariant(s) === 2 ? [1, 2] as const : [1] as const) {
      test(`max_pool2d_forward version ${variant} matches the reference, switches included, for ${name}, ${fillName}`, () =>
        checkForward(gpu, s, fill(sizes(s).inLength), variant));
    }
  }
  for (const variant of [1, 2, 3] as const) {
    if ((variant === 2 && !tiles(s)) || (variant === 3 && maxPool2dBackwardVariant(s) !== 3)) continue;
    test(`max_pool2d_backward version ${variant} matches the reference for ${name}, with tied windows`, () =>
      checkBackward(gpu, s, FILLS[2][1](sizes(s).inLength), variant));
  }
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

test("max_pool2d_forward and max_pool2d_backward match the reference for ResNet's 64 channels 3×3/2 pad 1 at 112×112", async () => {
  const s: MaxPool2dShape = { n: 1, c: 64, h: 112, w: 112, size: 3, stride: 2, pads: [1, 1, 1, 1] };
  const x = FILLS[2][1](sizes(s).inLength);
  await checkForward(gpu, s, x);
  await checkBackward(gpu, s, x);
});

test('a 3×3/2 pad 1 max-pool adds the gradients of the overlapping windows that chose one element, worked by hand', async () => {
  const s: MaxPool2dShape = { n: 1, c: 1, h: 3, w: 3, size: 3, stride: 2, pads: [1, 1, 1, 1] };
  // All four windows hold the centre 9, and take it; its gradient is the sum of theirs.
  const y = poisoned(4, 'y');
  const switches = poisoned(4, 'switches');
  await maxPool2dForward(gpu, s, upload([1, 2, 3, 4, 9, 5, 6, 7, 8], 'x'), y, switches);
  assertEqual('y', await gpu.read(y), [9, 9, 9, 9]);
  assertEqual('switches', await gpu.readU32(switches), [4, 4, 4, 4]);
  const dx = poisoned(9, 'dx');
  await maxPool2dBackward(gpu, s, upload([1, 2, 3, 4], 'dy'), switches, dx);
  assertEqual('dx', await gpu.read(dx), [0, 0, 0, 0, 10, 0, 0, 0, 0]);
});

{
  // 3×3/2 pad 1 over a batch bound in 2048-byte windows: switches must still index the whole x.
  const s: MaxPool2dShape = { n: 5, c: 3, h: 9, w: 7, size: 3, stride: 2, pads: [1, 1, 1, 1] };
  test(`max_pool2d_forward and max_pool2d_backward match the reference for 3×3/2 pad 1 on (5, 3, 9, 7) bound in ${SLICED_BYTES}-byte windows`, async () => {
    if (sizes(s).inLength <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
    const x = FILLS[1][1](sizes(s).inLength);
    await checkForward(sliced, s, x);
    await checkBackward(sliced, s, x);
  });
}

test('max_pool2d_forward refuses version 2 and max_pool2d_backward version 3 for shapes they do not take', async () => {
  // Rows of 12 (not a multiple of 8), and for version 3 an odd height.
  const s: MaxPool2dShape = { n: 1, c: 1, h: 4, w: 12 };
  const odd: MaxPool2dShape = { n: 1, c: 1, h: 5, w: 8 };
  const [y, switches] = [poisoned(12, 'y'), poisoned(12, 'switches')];
  await assertRejectsWith(() => maxPool2dForward(gpu, s, upload(new Float32Array(48), 'x'), y, switches, 2), RangeError,
    /max_pool2d_forward: variant 2 takes unpadded 2×2\/2 windows on rows of a multiple of 8, not 2×2\/2 on 12/);
  await assertRejectsWith(() => maxPool2dBackward(gpu, odd, upload(new Float32Array(8), 'dy'), poisoned(8, 'switches'), poisoned(40, 'dx'), 3), RangeError,
    /max_pool2d_backward: variant 3 takes unpadded 2×2\/2 windows on an even height and rows of a multiple of 8, not 2×2\/2 on 5×8/);
});

test('max_pool2d refuses a pad as large as the window and a zero stride', async () => {
  const x = upload([1, 2, 3, 4, 5, 6, 7, 8, 9], 'x');
  await assertRejectsWith(
    () => maxPool2dForward(gpu, { n: 1, c: 1, h: 3, w: 3, size: 2, stride: 2, pads: [2, 0, 0, 0] }, x, poisoned(4, 'y'), poisoned(4, 'switches')),
    RangeError,
    /max_pool2d_forward: pads \(2, 0, 0, 0\) must be 4 integers \[top, left, bottom, right\] in \[0, size − 1 = 1\]/,
  );
  await assertRejectsWith(
    () => maxPool2dBackward(gpu, { n: 1, c: 1, h: 3, w: 3, size: 2, stride: 0 }, poisoned(4, 'dy'), poisoned(4, 'switches'), poisoned(9, 'dx')),
    RangeError,
    /max_pool2d_backward: stride must be a positive integer, got 0/,
  );
});

// (5, 3, 7, 9): 189 input values per image, two images to a 2048-byte window, so the batch runs in
// three dispatches whose windows start at unaligned offsets; switches must still index the whole x.
const SLICED: MaxPool2dShape = { n: 5, c: 3, h: 7, w: 9 };

test(`max_pool2d_forward matches the reference, switches included, for (5, 3, 7, 9) bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (sizes(SLICED).inLength <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await checkForward(sliced, SLICED, FILLS[1][1](sizes(SLICED).inLength));
});

for (const variant of [1, 2] as const) {
  test(`max_pool2d_backward version ${variant} matches the reference for (5, 3, 7, 9) bound in ${SLICED_BYTES}-byte windows`, () =>
    checkBackward(sliced, SLICED, FILLS[2][1](sizes(SLICED).inLength), variant));
}

// (7, 3, 5, 8) for forward version 2: 120 input values per image, four images to a window, so the second
// window starts 480 values in, at a base within its binding that is not 0.
const SLICED_QUADS: MaxPool2dShape = { n: 7, c: 3, h: 5, w: 8 };

test(`max_pool2d_forward version 2 matches the reference, switches included, for (7, 3, 5, 8) bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (sizes(SLICED_QUADS).inLength <= 1.5 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await checkForward(sliced, SLICED_QUADS, FILLS[1][1](sizes(SLICED_QUADS).inLength), 2);
});

// (7, 3, 6, 8) for backward version 3: 144 values per image, three images to a window.
const SLICED_BACKWARD_QUADS: MaxPool2dShape = { n: 7, c: 3, h: 6, w: 8 };

test(`max_pool2d_backward version 3 matches the reference for (7, 3, 6, 8) bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (sizes(SLICED_BACKWARD_QUADS).inLength <= 1.5 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await checkBackward(sliced, SLICED_BACKWARD_QUADS, FILLS[2][1](sizes(SLICED_BACKWARD_QUADS).inLength), 3);
});

// A dispatch limit of 4 workgroups a dimension: the 2·5 planes take three dispatches, and the grid's
// columns and rows of windows still fit (2×2 windows, whose fast path reads constant offsets, and 3×3/3).
const narrow = new Gpu(gpu.device, gpu.adapterName, { maxWorkgroupsPerDimension: 4 });
for (const [name, s] of [['2×2/2', { n: 2, c: 5, h: 9, w: 10 }], ['3×3/3', { n: 2, c: 5, h: 11, w: 10, size: 3, stride: 3 }]] as const) {
  test(`max_pool2d_forward and max_pool2d_backward version 2 match the reference for ${name} on (2, 5) planes in dispatches of 4 planes`, async () => {
    if (s.n * s.c <= 2 * narrow.limits.workgroupsPerDimension) throw new Error('the case no longer needs three dispatches');
    await checkForward(narrow, s, FILLS[1][1](sizes(s).inLength));
    await checkBackward(narrow, s, FILLS[2][1](sizes(s).inLength), 2);
  });
}

test('max_pool2d_backward refuses version 2 for overlapping or padded windows', async () => {
  const s: MaxPool2dShape = { n: 1, c: 1, h: 5, w: 5, size: 3, stride: 2, pads: [1, 1, 1, 1] };
  await assertRejectsWith(
    () => maxPool2dBackward(gpu, s, poisoned(9, 'dy'), poisoned(9, 'switches'), poisoned(25, 'dx'), 2),
    RangeError,
    /max_pool2d_backward: variant 2 needs windows that tile \(stride = size, no padding\), got 3×3\/2/,
  );
});

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
