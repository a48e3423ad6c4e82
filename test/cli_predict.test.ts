import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { predictCommand } from '../src/cli/mod.ts';
import { referenceVggForward } from '../src/reference/mod.ts';
import { runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, normalised, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_predict');
const folder = temporaryFolder();
const colour = writeModel(folder, 'colour', COLOUR_SPEC, random);
const grey = writeModel(folder, 'grey', GREY_SPEC, random);

interface Prediction {
  labels: string[];
  logits: number[];
  top: { index: number; label: string; score: number; probability: number }[];
}

for (const [name, model] of [['colour', colour], ['grey', grey]] as const) {
  test(`predict --json gives the float64 model's logits for a ${name} PNG, and its top classes with softmax probabilities`, async () => {
    const { channels, height, width } = model.spec.input;
    const image = randomImage(random, height, width, channels === 1 ? 1 : 3);
    const path = writePng(join(folder, `${name}.png`), image);
    const { code, context } = await runCommand(predictCommand, ['--model', model.path, '--image', path, '--top', '3', '--json']);
    assert.is(code, 0);
    assert.is(context.printed.length, 1);
    const result = JSON.parse(context.printed[0]) as Prediction;
    assert.equal(result.labels, model.spec.labels);
    const { logits } = referenceVggForward(model.spec, model.weights, normalised(model.spec, image), 1);
    assertClose('logits', result.logits, logits, { random });
    const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
    assert.equal(result.top.map((t) => t.index), order.slice(0, 3));
    const sum = Array.from(logits).reduce((s, v) => s + Math.exp(v), 0);
    for (const t of result.top) {
      assert.is(t.label, model.spec.labels[t.index]);
      assert.is(t.score, result.logits[t.index]);
      assert.ok(Math.abs(t.probability - Math.exp(logits[t.index]) / sum) < 1e-5, `probability of ${t.index}`);
    }
  });
}

test('predict prints a table, best class first, as many rows as --top (at most the number of classes)', async () => {
  const path = writePng(join(folder, 'table.png'), randomImage(random, 12, 10, 1));
  const { code, context } = await runCommand(predictCommand, ['--model', grey.path, '--image', path, '--top', '7']);
  assert.is(code, 0);
  assert.is(context.printed.length, 2 + 3);
  assert.match(context.printed[1], /rank\s+class\s+probability\s+score\s+label/);
  assert.match(context.printed[2], /^\s+1\s+\d\s+0\.\d{4}\s+\S+\s+(zero|one|two)$/);
});

test.run();
