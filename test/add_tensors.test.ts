import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { addTensors } from '../src/nn/mod.ts';
import { addTensors as refAdd } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('add_tensors');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

async function check(device: Gpu, length: number): Promise<void> {
  const a = random.uniformArray(length);
  const b = random.uniformArray(length);
  const y = poisoned(length, 'y');
  await addTensors(device, upload(a, 'a'), upload(b, 'b'), y);
  assertClose('y', await device.read(y), refAdd(a, b), { random });
}

// One element, lengths that divide no workgroup, and a ResNet-50 block's 256×56×56 output.
for (const length of [1, 257, 1001, 256 * 56 * 56]) {
  test(`add_tensors matches the reference for ${length} elements`, () => check(gpu, length));
}

test(`add_tensors matches the reference for 1234 elements bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (1234 <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, 1234);
});

test('add_tensors refuses tensors of different lengths, and y that is a or b', async () => {
  const a = upload([1, 2, 3], 'a');
  await assertRejectsWith(() => addTensors(gpu, a, upload([1, 2], 'b'), poisoned(3, 'y')), RangeError, /add_tensors: b \(b\) has 2 elements but shape \(3\) needs 3/);
  await assertRejectsWith(() => addTensors(gpu, a, upload([1, 2, 3], 'b'), a), RangeError, /add_tensors: y \(a\) must not be a or b; use accumulate/);
});

test.run();
