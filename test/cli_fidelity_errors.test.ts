import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fidelityCommand } from '../src/cli/mod.ts';
import { writeNpy } from '../src/io/mod.ts';
import { commandError, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { testRandom } from './support/seed.ts';
import { GREY_SPEC, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_fidelity_errors');
const folder = temporaryFolder();
const model = writeModel(folder, 'grey', GREY_SPEC, random);
const paths = [0, 1].map((i) => writePng(join(folder, `${i}.png`), randomImage(random, 12, 10, 1)));
const images = paths.flatMap((p) => ['--images', p]);

function npy(name: string, data: Float32Array, shape: number[]): string {
  const path = join(folder, name);
  writeFileSync(path, writeNpy(data, shape));
  return path;
}

const good = npy('good.npy', random.uniformArray(2 * 120), [2, 12, 10]);
const withNan = Float32Array.from(random.uniformArray(2 * 120));
withNan[130] = Number.NaN;
const withInf = Float32Array.from(random.uniformArray(2 * 120));
withInf[7] = -Infinity;
const out = join(folder, 'out.json');
const plot = join(folder, 'out.svg');

const CASES: Array<[string, string[], RegExp]> = [
  ['maps of the wrong count', ['--maps', npy('three.npy', random.uniformArray(3 * 120), [3, 12, 10])], /--maps .*three\.npy has shape \(3, 12, 10\) but the run needs \(2, 12, 10\)/],
  ['maps of the wrong size', ['--maps', npy('small.npy', random.uniformArray(2 * 100), [2, 10, 10])], /has shape \(2, 10, 10\) but the run needs \(2, 12, 10\)/],
  ['maps of the wrong rank', ['--maps', npy('flat.npy', random.uniformArray(240), [240])], /has shape \(240\) but the run needs/],
  ['a NaN in a map', ['--maps', npy('nan.npy', withNan, [2, 12, 10])], /map 1 holds NaN at pixel 10; maps must be finite/],
  ['an infinity in a map', ['--maps', npy('inf.npy', withInf, [2, 12, 10])], /map 0 holds -Infinity at pixel 7/],
  ['steps 0', ['--maps', good, '--steps', '0'], /--steps 0 must be a whole number ≥ 1/],
  ['steps beyond H·W', ['--maps', good, '--steps', '121'], /--steps 121 must be a whole number in \[1, 120\]/],
  ['a label out of range', ['--maps', good, '--labels', '1,3'], /item 1's label 3 is outside the model's 3 classes \(0 to 2\)/],
  ['a label count that differs', ['--maps', good, '--labels', '1'], /--labels gives 1 labels for 2 images/],
  ['an unknown method', ['--method', 'gradient,occlusion'], /unknown method "occlusion"; known: gradient, deconvnet, guided, .*random, centre/],
  ['a shard index equal to the count', ['--maps', good, '--shard', '2/2'], /--shard 2\/2: i must satisfy 0 ≤ i < n/],
  ['a shard that holds no item', ['--maps', good, '--shard', '2/3'], /--shard 2\/3 holds none of the run's 2 items/],
  ['a shard that is not i/n', ['--maps', good, '--shard', 'two'], /--shard two is not i\/n/],
  ['both --method and --maps', ['--maps', good, '--method', 'gradient'], /give either --method or --maps/],
  ['--target true without labels', ['--maps', good, '--target', 'true'], /--target true needs labels/],
  ['--steps with RISE', ['--maps', good, '--protocol', 'rise', '--steps', '4'], /rise takes --pixels-per-step, not --steps/],
  ['an unknown protocol', ['--maps', good, '--protocol', 'lime'], /--protocol lime is not one of default, rise/],
  ['a gallery that is not PNG', ['--maps', good, '--gallery', join(folder, 'seq.jpg')], /--gallery .*seq\.jpg must end in \.png/],
  ['a plot that is neither SVG nor PNG', ['--maps', good, '--plot', join(folder, 'curves.pdf')], /--plot .*curves\.pdf must end in \.svg or \.png/],
];

for (const [name, args, pattern] of CASES) {
  test(`fidelity refuses ${name} in one line and writes nothing`, async () => {
    const { error } = await commandError(fidelityCommand, ['--model', model.path, ...images, ...args, '--json', out, ...(args.includes('--plot') ? [] : ['--plot', plot])]);
    assert.instance(error, RangeError);
    assert.match(error.message, pattern);
    assert.not.match(error.message, /\n/);
    assert.not.ok(existsSync(out), 'no JSON written');
    assert.not.ok(existsSync(plot), 'no plot written');
  });
}

test('fidelity refuses a missing --model, and a --json folder that does not exist before any GPU work', async () => {
  const { error, context } = await commandError(fidelityCommand, ['--model', model.path, ...images, '--maps', good, '--json', join(folder, 'nope', 'x.json')]);
  assert.match(error.message, /--json .*x\.json: the folder .*nope does not exist/);
  assert.is(context.gpuRequests, 0);
  const missing = await commandError(fidelityCommand, [...images, '--maps', good]);
  assert.match(missing.error.message, /--model is required/);
});

test.run();
