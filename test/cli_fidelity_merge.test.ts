import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fidelityCommand, mergeCommand } from '../src/cli/mod.ts';
import { commandError, runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_fidelity_merge');
const folder = temporaryFolder();
const model = writeModel(folder, 'colour', COLOUR_SPEC, random);
const paths = Array.from({ length: 5 }, (_, i) => writePng(join(folder, `${i}.png`), randomImage(random, 20, 24, 3)));
const labels = paths.map(() => random.int(10)).join(',');
const base = ['--model', model.path, ...paths.flatMap((p) => ['--images', p]), '--labels', labels, '--method', 'gradient,guided,random,centre', '--steps', '6', '--seed', '5'];

async function fidelity(name: string, extra: string[] = []): Promise<string> {
  const json = join(folder, name);
  const { code } = await runCommand(fidelityCommand, [...base, '--json', json, ...extra]);
  assert.is(code, 0);
  return json;
}

// The default batch, min(the memory budget's, the run's 5 items), pads the shards' passes to 5 images.
test('merge of --shard 0/2 and 1/2 (and of three shards, given in any order) is the unsharded run to the bit', async () => {
  const whole = readFileSync(await fidelity('whole.json'), 'utf8');
  const halves = [await fidelity('half-0.json', ['--shard', '0/2']), await fidelity('half-1.json', ['--shard', '1/2'])];
  const half = JSON.parse(readFileSync(halves[1], 'utf8'));
  assert.equal([half.run.items, half.run.shard, half.run.count], [[1, 3], '1/2', 5]);
  const merged = join(folder, 'merged.json');
  const { code, context } = await runCommand(mergeCommand, [...halves, '--json', merged]);
  assert.is(code, 0);
  assert.is(readFileSync(merged, 'utf8'), whole);
  assert.match(context.printed.join('\n'), /gradient\s+\d\.\d{4} \[/);
  const thirds: string[] = [];
  for (const i of [2, 0, 1]) thirds.push(await fidelity(`third-${i}.json`, ['--shard', `${i}/3`]));
  const merged3 = join(folder, 'merged3.json');
  await runCommand(mergeCommand, [...thirds, '--json', merged3]);
  assert.is(readFileSync(merged3, 'utf8'), whole);
});

test('merge refuses shards of different runs, a missing shard and a shard given twice, and writes nothing', async () => {
  const a = await fidelity('a.json', ['--shard', '0/2']);
  const b = await fidelity('b.json', ['--shard', '1/2']);
  const otherSteps = await fidelity('c.json', ['--shard', '1/2', '--steps', '5']);
  const otherMethod = join(folder, 'd.json');
  await runCommand(fidelityCommand, [...base.slice(0, base.indexOf('--method')), '--method', 'gradient', '--steps', '6', '--seed', '5', '--shard', '1/2', '--json', otherMethod]);
  const otherModel = join(folder, 'e.json');
  const report = JSON.parse(readFileSync(b, 'utf8'));
  report.run.model_sha256 = '0'.repeat(64);
  writeFileSync(otherModel, JSON.stringify(report));
  const out = join(folder, 'refused.json');
  const cases: Array<[string[], RegExp]> = [
    [[a, otherSteps], /c\.json is from another run than .*a\.json: its steps is 5, not 6/],
    [[a, otherMethod], /its methods is \["gradient"\], not \["gradient","guided","random","centre"\]/],
    [[a, otherModel], /its model_sha256 is/],
    [[a], /2 of the run's 5 items are in no file given \(item 1 first\); give every shard/],
    [[a, b, b], /item 1 is in both .*b\.json and .*b\.json/],
    [[a, join(folder, 'missing.json')], /merge: cannot read .*missing\.json/],
  ];
  for (const [files, pattern] of cases) {
    const { error } = await commandError(mergeCommand, [...files, '--json', out]);
    assert.instance(error, RangeError);
    assert.match(error.message, pattern);
    assert.not.match(error.message, /\n/);
    assert.not.ok(existsSync(out), 'nothing written');
  }
});

test.run();
