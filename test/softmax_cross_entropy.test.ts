import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { checkLabels, softmaxCrossEntropy } from '../src/nn/mod.ts';
import { softmaxCrossEntropy as refSoftmaxCrossEntropy } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('softmax_cross_entropy');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/** Random labels in [0, classes), the first row's the last class and the second's class 0 (the edges). */
function randomLabels(n: number, classes: number): Uint32Array {
  const labels = Uint32Array.from({ length: n }, () => random.int(classes));
  labels[0] = classes - 1;
  if (n > 1) labels[1] = 0;
  return labels;
}

async function check(device: Gpu, n: number, classes: number, scale: number): Promise<void> {
  const logits = random.uniformArray(n * classes, -scale, scale);
  const labels = randomLabels(n, classes);
  checkLabels(labels, classes);
  const losses = poisoned(n, 'losses');
  const dLogits = poisoned(n * classes, 'dLogits');
  await softmaxCrossEntropy(device, n, classes, upload(logits, 'logits'), device.tensorFrom(labels, 'labels'), losses, dLogits);
  const expected = refSoftmaxCrossEntropy(classes, logits, labels);
  const actualLosses = await device.read(losses);
  // The reference gives the batch's mean; each row's loss is the mean over a batch of that row alone.
  const rowLosses = Array.from({ length: n }, (_, b) =>
    refSoftmaxCrossEntropy(classes, logits.subarray(b * classes, (b + 1) * classes), [labels[b]]).loss);
  assertClose('losses', actualLosses, rowLosses, { random });
  assertClose('mean loss', [actualLosses.reduce((sum, loss) => sum + loss, 0) / n], [expected.loss], { random });
  assertClose('dLogits', await device.read(dLogits), expected.dLogits, { random });
}

const CASES: Array<[string, number, number, number]> = [
  ['one row of two classes', 1, 2, 1],
  ['3 rows of 10 classes', 3, 10, 3],
  ['67 rows of 7 classes (more rows than a workgroup)', 67, 7, 2],
  ['5 rows of ImageNet’s 1000 classes', 5, 1000, 5],
  ['4 rows of logits up to ±200, whose exp overflows f32 without the max subtracted', 4, 13, 200],
];

for (const [name, n, classes, scale] of CASES) {
  test(`softmax_cross_entropy matches the reference, per-row losses and dLogits, for ${name}`, () => check(gpu, n, classes, scale));
}

test('softmax_cross_entropy gives zero loss and zero gradient for a single class', async () => {
  const losses = poisoned(2, 'losses');
  const dLogits = poisoned(2, 'dLogits');
  await softmaxCrossEntropy(gpu, 2, 1, upload([3, -7], 'logits'), gpu.tensorFrom(new Uint32Array([0, 0]), 'labels'), losses, dLogits);
  assertClose('losses', await gpu.read(losses), [0, 0]);
  assertClose('dLogits', await gpu.read(dLogits), [0, 0]);
});

// The loss binds its tensors whole (a training batch's logits are far below any binding limit), so a
// small binding limit changes nothing for a batch that fits it, and a batch that does not is refused.
test(`softmax_cross_entropy matches the reference through a Gpu with ${SLICED_BYTES}-byte bindings`, () => check(sliced, 9, 37, 4));

test(`softmax_cross_entropy refuses logits larger than a ${SLICED_BYTES}-byte binding, naming the limit`, async () => {
  const n = 6;
  const classes = 100;
  let message = '';
  try {
    await softmaxCrossEntropy(sliced, n, classes, upload(new Float32Array(n * classes), 'logits'),
      gpu.tensorFrom(new Uint32Array(n), 'labels'), poisoned(n, 'losses'), poisoned(n * classes, 'dLogits'));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    message = error.message;
  }
  if (!/logits: a binding of 2\.3 KiB exceeds this adapter's 2\.0 KiB/.test(message)) throw new Error(`unexpected message: ${message}`);
});

test('checkLabels rejects labels outside [0, classes) and accepts those inside', () => {
  checkLabels([0, 9, 4], 10);
  checkLabels(new Uint32Array([2, 0]), 3);
  assertThrowsWith(() => checkLabels([0, 10], 10), RangeError, /softmax_cross_entropy: label 10 of item 1 is outside \[0, 10\)/);
  assertThrowsWith(() => checkLabels([-1], 10), RangeError, /label -1 of item 0 is outside \[0, 10\)/);
  assertThrowsWith(() => checkLabels([1, 2.5], 10), RangeError, /label 2\.5 of item 1/);
  assertThrowsWith(() => checkLabels([Number.NaN], 10), RangeError, /label NaN of item 0/);
});

test.run();
