import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { fidelityPerturb, type FidelityPerturbShape } from '../src/nn/mod.ts';
import { fidelityPerturb as refFidelityPerturb } from '../src/reference/mod.ts';
import type { Random } from '../src/random/mod.ts';
import { assertEqual } from './support/compare.ts';
import { gpu, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('fidelity_perturb');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

function permutations(random: Random, n: number, pixels: number): Uint32Array {
  const ranks = new Uint32Array(n * pixels);
  for (let i = 0; i < n; i++) ranks.set(random.shuffle(Array.from({ length: pixels }, (_, p) => p)), i * pixels);
  return ranks;
}

/** Checkpoints 0 … pixels in K steps, the protocol's floor(i·P/steps), with an extra random one shuffled in. */
function someCheckpoints(random: Random, pixels: number, k: number): number[] {
  const steps = k - 1;
  const ck = Array.from({ length: k }, (_, i) => Math.floor((i * pixels) / Math.max(steps, 1)));
  ck[random.int(k)] = random.int(pixels + 1);
  return ck;
}

async function check(device: Gpu, s: FidelityPerturbShape, fromCopy: boolean): Promise<void> {
  const pixels = s.h * s.w;
  const x = random.uniformArray(s.n * s.c * pixels);
  const ranks = permutations(random, s.n, pixels);
  const ck = someCheckpoints(random, pixels, s.checkpoints);
  const start = random.uniformArray(x.length);
  const deletion = random.uniform(-2, 2);
  const insertion = fromCopy ? start : random.uniform(-2, 2);
  const y = device.tensor(s.n * 2 * s.checkpoints * s.c * pixels, 'y');
  device.poison(y);
  await fidelityPerturb(
    device,
    s,
    upload(x, 'x'),
    device.tensorFrom(ranks, 'ranks'),
    device.tensorFrom(Uint32Array.from(ck), 'checkpoints'),
    { deletion: Math.fround(deletion), insertion: typeof insertion === 'number' ? Math.fround(insertion) : upload(start, 'start') },
    y,
  );
  // A select of f32 values: exact.
  const expected = refFidelityPerturb(s, x, ranks, ck, Math.fround(deletion), typeof insertion === 'number' ? Math.fround(insertion) : start);
  assertEqual('y', await device.read(y), expected, { random });
}

const CASES: Array<[string, FidelityPerturbShape]> = [
  ['1 channel, odd sizes, 3 checkpoints', { n: 1, c: 1, h: 5, w: 7, checkpoints: 3 }],
  ['3 channels, batch 3, 11 checkpoints', { n: 3, c: 3, h: 9, w: 4, checkpoints: 11 }],
  ['a 1×1 image, 2 checkpoints', { n: 2, c: 3, h: 1, w: 1, checkpoints: 2 }],
  ['one checkpoint', { n: 2, c: 2, h: 3, w: 3, checkpoints: 1 }],
  ['a 3×32×32 image, 11 checkpoints', { n: 2, c: 3, h: 32, w: 32, checkpoints: 11 }],
];

for (const [name, s] of CASES) {
  test(`fidelity_perturb matches the reference for ${name}, constant substrates`, () => check(gpu, s, false));
  test(`fidelity_perturb matches the reference for ${name}, insertion from a copy`, () => check(gpu, s, true));
}

// (9, 2, 3, 5) with 2 checkpoints: an image's 4 copies are 120 values, three images to a 2048-byte window of y,
// so y goes in several windows at unaligned offsets.
test(`fidelity_perturb matches the reference for (9, 2, 3, 5), 2 checkpoints, bound in ${SLICED_BYTES}-byte windows`, async () => {
  const s: FidelityPerturbShape = { n: 9, c: 2, h: 3, w: 5, checkpoints: 2 };
  if (s.n * 2 * s.checkpoints * s.c * s.h * s.w <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, s, true);
  await check(sliced, s, false);
});

test('fidelity_perturb builds the copies of a 2×2 image by hand', async () => {
  // One channel, pixels 10, 20, 30, 40; ranks: pixel 2 first, then 0, 3, 1. Checkpoints 0, 2, 4.
  const y = gpu.tensor(2 * 3 * 4, 'y');
  gpu.poison(y);
  await fidelityPerturb(
    gpu,
    { n: 1, c: 1, h: 2, w: 2, checkpoints: 3 },
    upload([10, 20, 30, 40]),
    gpu.tensorFrom(Uint32Array.from([1, 3, 0, 2]), 'ranks'),
    gpu.tensorFrom(Uint32Array.from([0, 2, 4]), 'checkpoints'),
    { deletion: -1, insertion: 5 },
    y,
  );
  assertEqual('y', await gpu.read(y), [
    10, 20, 30, 40, // deletion, 0 pixels
    -1, 20, -1, 40, // deletion, the top 2 (pixels 2 and 0)
    -1, -1, -1, -1,
    5, 5, 5, 5, // insertion, 0 pixels
    10, 5, 30, 5,
    10, 20, 30, 40,
  ]);
});

test('fidelity_perturb rejects tensors of the wrong length and an output that is its input', async () => {
  const s: FidelityPerturbShape = { n: 1, c: 1, h: 2, w: 2, checkpoints: 2 };
  const x = upload([1, 2, 3, 4]);
  const ranks = gpu.tensorFrom(Uint32Array.from([0, 1, 2, 3]), 'ranks');
  const ck = gpu.tensorFrom(Uint32Array.from([0, 4]), 'checkpoints');
  const y = gpu.tensor(16, 'y');
  await assertRejectsWith(() => fidelityPerturb(gpu, s, x, ranks, ck, { deletion: 0, insertion: 0 }, gpu.tensor(15, 'short')), RangeError, /fidelity_perturb: y \(short\) has 15 elements but shape \(1, 4, 1, 2, 2\) needs 16/);
  await assertRejectsWith(() => fidelityPerturb(gpu, { ...s, checkpoints: 3 }, x, ranks, ck, { deletion: 0, insertion: 0 }, y), RangeError, /checkpoints .* has 2 elements/);
  await assertRejectsWith(() => fidelityPerturb(gpu, s, x, ranks, ck, { deletion: 0, insertion: upload([1, 2]) }, y), RangeError, /insertion start/);
  await assertRejectsWith(() => fidelityPerturb(gpu, { ...s, n: 0 }, x, ranks, ck, { deletion: 0, insertion: 0 }, y), RangeError, /n must be a positive integer/);
  await assertRejectsWith(() => fidelityPerturb(gpu, s, x, ranks, ck, { deletion: 0, insertion: y }, y), RangeError, /y must not be one of its inputs/);
  await assertRejectsWith(() => fidelityPerturb(gpu, s, x, ranks, ck, { deletion: 0, insertion: 0 }, x), RangeError, /y must not be one of its inputs/);
});

test.run();
