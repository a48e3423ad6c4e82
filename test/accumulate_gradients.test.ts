import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { accumulateGradients, type CopiesShape } from '../src/nn/mod.ts';
import { accumulateGradients as refAccumulate } from '../src/reference/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('accumulate_gradients');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/**
 * Feeds all n·copies gradients in batches of `batch` into poisoned sums (copy 0 of each image must start
 * them afresh) and compares with the float64 sums; then checks that another batching gives the same bits.
 */
async function run(device: Gpu, s: CopiesShape, g: Float32Array, batch: number, squares: boolean) {
  const sum = poisoned(s.n * s.size, 'sum');
  const sq = squares ? poisoned(s.n * s.size, 'squares') : undefined;
  const total = s.n * s.copies;
  for (let first = 0; first < total; first += batch) {
    const count = Math.min(batch, total - first);
    const slice = upload(g.subarray(first * s.size, (first + count) * s.size), 'g');
    await accumulateGradients(device, s, slice, first, count, sum, sq);
  }
  return { sum: await device.read(sum), squares: sq ? await device.read(sq) : undefined };
}

async function check(device: Gpu, s: CopiesShape, batch: number, squares: boolean): Promise<void> {
  const g = random.uniformArray(s.n * s.copies * s.size);
  const got = await run(device, s, g, batch, squares);
  const expected = refAccumulate(g, s.n, s.copies, s.size);
  assertClose('sum', got.sum, expected.sum, { random });
  if (got.squares) assertClose('squares', got.squares, expected.squares, { random });
  const one = await run(gpu, s, g, 1, squares);
  assertEqual('sum batched by one', one.sum, got.sum, { random });
}

test('accumulate_gradients: one image, seven copies in batches of 3, with squares', () => check(gpu, { n: 1, size: 33, copies: 7 }, 3, true));
test('accumulate_gradients: three images of 3×5×7, four copies, batches of 5 that cross images, no squares', () =>
  check(gpu, { n: 3, size: 105, copies: 4 }, 5, false));
test('accumulate_gradients: two images, one copy each, one batch', () => check(gpu, { n: 2, size: 64, copies: 1 }, 2, true));
test('accumulate_gradients: two 3×224×224 images, 3 copies, batches of 4', () => check(gpu, { n: 2, size: 3 * 224 * 224, copies: 3 }, 4, true));
test(`accumulate_gradients: (2 images × 9 copies) of 3×5×9 bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (135 * 9 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, { n: 2, size: 135, copies: 9 }, 9, true);
});

test('accumulate_gradients on a hand case: copies (1, −2) and (3, 4) of one image sum to (4, 2), squares (10, 20)', async () => {
  const sum = poisoned(2, 'sum');
  const sq = poisoned(2, 'squares');
  await accumulateGradients(gpu, { n: 1, size: 2, copies: 2 }, upload([1, -2, 3, 4]), 0, 2, sum, sq);
  assertEqual('sum', await gpu.read(sum), [4, 2]);
  assertEqual('squares', await gpu.read(sq), [10, 20]);
});

test('accumulate_gradients refuses copies past the end and one tensor as both sums', async () => {
  const sum = gpu.tensor(2, 'sum');
  await assertRejectsWith(() => accumulateGradients(gpu, { n: 1, size: 2, copies: 2 }, upload([1, 2, 3, 4]), 1, 2, sum), RangeError, /outside the 2/);
  await assertRejectsWith(() => accumulateGradients(gpu, { n: 1, size: 2, copies: 2 }, upload([1, 2, 3, 4]), 0, 2, sum, sum), RangeError, /different tensors/);
});

test.run();
