import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { accumulate } from '../src/nn/mod.ts';
import { addTensors as refAdd } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('accumulate');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

// y starts with values of its own (the first consumer's gradient); accumulate adds the second's.
async function check(device: Gpu, length: number): Promise<void> {
  const x = random.uniformArray(length);
  const y0 = random.uniformArray(length);
  const y = upload(y0, 'y');
  await accumulate(device, upload(x, 'x'), y);
  assertClose('y', await device.read(y), refAdd(y0, x), { random });
}

for (const length of [1, 257, 1001, 64 * 56 * 56]) {
  test(`accumulate adds x into y as the reference for ${length} elements`, () => check(gpu, length));
}

test(`accumulate adds x into y as the reference for 1234 elements bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (1234 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, 1234);
});

test('accumulate refuses tensors of different lengths and a tensor added into itself', async () => {
  const x = upload([1, 2, 3], 'x');
  await assertRejectsWith(() => accumulate(gpu, x, upload([1, 2], 'y')), RangeError, /accumulate: y \(y\) has 2 elements but shape \(3\) needs 3/);
  await assertRejectsWith(() => accumulate(gpu, x, x), RangeError, /accumulate: x and y are the same tensor \(x\)/);
});

test.run();
