import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBatchFits } from '../src/cli/check_batch_fits.ts';
import { trainCommand } from '../src/cli/mod.ts';
import { commandError, temporaryFolder } from './support/cli_fixture.ts';
import { gpu } from './support/gpu.ts';
import { initVggWeights, vggGraph } from '../src/model/mod.ts';
import { COLOUR_SPEC } from './support/test_models.ts';
import { testRandom } from './support/seed.ts';

const colour = vggGraph({ spec: COLOUR_SPEC, weights: initVggWeights(COLOUR_SPEC, testRandom('check_batch_fits')) });

test('checkBatchFits allows the largest batch whose biggest tensor fits the buffer limit and refuses one more, naming it', () => {
  // COLOUR_SPEC's biggest tensor is conv features.0's output: 8 × 20 × 24 values, 15360 bytes an item.
  const limits = { maxBufferBytes: 1024 * 1024 };
  checkBatchFits(limits, colour, 68);
  assert.throws(
    () => checkBatchFits(limits, colour, 69),
    /^--batch 69 needs 1\.0 MiB for features\.0's output but this adapter's largest buffer is 1\.0 MiB; the largest --batch that fits is 68$/,
  );
  assert.throws(() => checkBatchFits({ maxBufferBytes: 1000 }, colour, 1), /not even one item fits/);
});

test('train refuses a --batch whose activations exceed this adapter\'s largest buffer before allocating, with the largest that fits', async () => {
  const out = join(temporaryFolder(), 'wide.safetensors');
  const args = ['--dataset', 'fashion-mnist', '--features', '512', '--classifier', '', '--limit', '20000', '--batch', '20000', '--epochs', '1', '--out', out];
  const fits = Math.floor(gpu.limits.maxBufferBytes / (4 * 512 * 28 * 28));
  const { error } = await commandError(trainCommand, args);
  assert.instance(error, RangeError);
  assert.match(error.message, new RegExp(`^--batch 20000 needs .* for features\\.0's output but this adapter's largest buffer is .*; the largest --batch that fits is ${fits}$`));
});

test.run();
