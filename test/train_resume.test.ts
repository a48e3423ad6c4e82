// train --save-each-epoch … --resume: a run stopped after an epoch and resumed gives the uninterrupted
// run's weights, because the checkpoint holds the optimiser's state and the random streams beside them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { trainCommand } from '../src/cli/mod.ts';
import { loadVgg } from '../src/model/mod.ts';
import { CapturingContext, commandError, runCommand, temporaryFolder } from './support/cli_fixture.ts';

const folder = temporaryFolder();
const common = ['--dataset', 'fashion-mnist', '--features', '4,M', '--classifier', '6', '--limit', '24', '--epochs', '3', '--batch', '8', '--test-limit', '8', '--save-each-epoch'];

class Stop extends Error {}

for (const optimizer of ['adam', 'sgd']) {
  test(`train --resume after epoch 1 (${optimizer}, augmented) gives the uninterrupted run's weights bit for bit`, async () => {
    const whole = join(folder, `whole-${optimizer}.safetensors`);
    const { code } = await runCommand(trainCommand, [...common, '--optimizer', optimizer, '--out', whole]);
    assert.is(code, 0);
    assert.ok(!existsSync(`${whole}.checkpoint`), 'a finished run removes its checkpoint');

    const out = join(folder, `resumed-${optimizer}.safetensors`);
    const stopped = new CapturingContext();
    const note = stopped.note.bind(stopped);
    stopped.note = (line) => {
      note(line);
      if (line === `wrote ${out} (after epoch 1)`) throw new Stop('stopped after epoch 1');
    };
    await trainCommand.run([...common, '--optimizer', optimizer, '--out', out], stopped).then(
      () => assert.unreachable('the run should have stopped'),
      (error) => assert.instance(error, Stop),
    );
    assert.ok(existsSync(`${out}.checkpoint`));

    const { code: resumedCode, context } = await runCommand(trainCommand, [...common, '--optimizer', optimizer, '--out', out, '--resume']);
    assert.is(resumedCode, 0);
    assert.ok(context.notes.includes(`resuming after epoch 1 from ${out}.checkpoint`), context.notes.join('\n'));
    assert.ok(context.notes.some((line) => line.startsWith('epoch 2: ')) && !context.notes.some((line) => line.startsWith('epoch 1: ')));
    const [a, b] = [loadVgg(readFileSync(whole)), loadVgg(readFileSync(out))];
    for (const [name, values] of a.weights) assert.equal([...b.weights.get(name)!], [...values], name);
    assert.equal(readdirSync(folder).filter((f) => f.startsWith(`resumed-${optimizer}`)), [`resumed-${optimizer}.safetensors`]);
  });
}

test('train --resume refuses a checkpoint of a run with other options, naming them, and a missing checkpoint', async () => {
  const out = join(folder, 'other.safetensors');
  const stopped = new CapturingContext();
  stopped.note = (line) => {
    if (line.startsWith(`wrote ${out} (after epoch 1)`)) throw new Stop('stop');
  };
  await trainCommand.run([...common, '--out', out], stopped).catch(() => {});
  const { error } = await commandError(trainCommand, [...common, '--out', out, '--resume', '--lr', '0.5', '--seed', '2']);
  assert.instance(error, RangeError);
  assert.match(error.message, /^train --resume: .*other\.safetensors\.checkpoint belongs to a run with other options \(lr 0\.001 → 0\.5, seed 1 → 2\)/);
  const missing = await commandError(trainCommand, [...common, '--out', join(folder, 'none.safetensors'), '--resume']);
  assert.match(missing.error.message, /^train --resume: there is no checkpoint .*none\.safetensors\.checkpoint; a run with --save-each-epoch writes one/);
});

test.run();
