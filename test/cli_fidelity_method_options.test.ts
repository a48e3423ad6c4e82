import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fidelityCommand, mergeCommand, saliencyCommand } from '../src/cli/mod.ts';
import { commandError, runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_fidelity_method_options');
const folder = temporaryFolder();
const model = writeModel(folder, 'colour', COLOUR_SPEC, random);
const paths = Array.from({ length: 3 }, (_, i) => writePng(join(folder, `${i}.png`), randomImage(random, 20, 24, 3)));
const images = paths.flatMap((p) => ['--images', p]);

interface Report {
  run: { method_options: Record<string, Record<string, unknown>>; methods: string[] };
  [method: string]: unknown;
}
type Curves = { deletion: { curves: number[][]; auc: number }; insertion: { curves: number[][]; auc: number } };

let runs = 0;
async function fidelity(extra: string[]): Promise<Report> {
  const json = join(folder, `run-${runs++}.json`);
  const { code } = await runCommand(fidelityCommand, ['--model', model.path, ...images, '--steps', '6', '--json', json, ...extra]);
  assert.is(code, 0);
  return JSON.parse(readFileSync(json, 'utf8'));
}

/** The maps `saliency --method M … --npy` writes for the three images (each image's top class). */
async function saliencyMaps(name: string, args: string[]): Promise<string> {
  const npy = join(folder, `${name}.npy`);
  const { code } = await runCommand(saliencyCommand, ['--model', model.path, ...paths.flatMap((p) => ['--image', p]), '--out', join(folder, `${name}.png`), '--npy', npy, ...args]);
  assert.is(code, 0);
  return npy;
}

function assertSameCurves(name: string, actual: Curves, expected: Curves): void {
  for (const kind of ['deletion', 'insertion'] as const) {
    assertClose(`${name} ${kind}`, actual[kind].curves.flat(), expected[kind].curves.flat(), { atol: 1e-6, rtol: 1e-5, random });
  }
}

const CASES: Array<[string, string[], string[], Record<string, unknown>]> = [
  ['ig', ['--ig-steps', '4', '--ig-baseline', '0.25'], ['--steps', '4', '--baseline', '0.25'], { steps: 4, baseline: 0.25 }],
  ['smoothgrad', ['--samples', '3', '--noise', '0.3', '--smoothgrad-seed', '7', '--smooth-squared'], ['--samples', '3', '--noise', '0.3', '--seed', '7', '--smooth-squared'],
    { samples: 3, noise: 0.3, smooth_squared: true, seed: 7 }],
  ['gradcam', ['--layer', 'features.1'], ['--layer', 'features.1'], { layer: 'features.1' }],
];

for (const [method, fidelityArgs, saliencyArgs, recorded] of CASES) {
  test(`fidelity --method ${method} ${fidelityArgs.join(' ')} scores saliency's maps with ${saliencyArgs.join(' ')}, records them, and differs from the defaults`, async () => {
    const withOptions = await fidelity(['--method', method, ...fidelityArgs]);
    assert.equal(withOptions.run.method_options, { [method]: recorded });
    const npy = await saliencyMaps(method, ['--method', method, ...saliencyArgs]);
    const fromMaps = await fidelity(['--maps', npy]);
    assertSameCurves(method, withOptions[method] as Curves, fromMaps.maps as Curves);
    const defaults = await fidelity(['--method', method]);
    const a = (withOptions[method] as Curves).deletion.curves.flat();
    const b = (defaults[method] as Curves).deletion.curves.flat();
    assert.ok(a.some((v, i) => v !== b[i]), `${method}: the options changed no deletion score, so this test could not fail`);
  });
}

test('fidelity records the defaults of each method that takes options, and none for the others', async () => {
  const report = await fidelity(['--method', 'gradient,ig,smoothgrad,gradcam,random', '--samples', '2', '--ig-steps', '2']);
  assert.equal(report.run.method_options, {
    ig: { steps: 2, baseline: 0 },
    smoothgrad: { samples: 2, noise: 0.15, smooth_squared: false, seed: 0 },
    gradcam: { layer: null },
  });
  const plain = await fidelity(['--method', 'gradient', '--ig-steps', '3']);
  assert.equal(plain.run.method_options, {});
});

const out = join(folder, 'refused.json');
const REFUSED: Array<[string[], RegExp]> = [
  [['--method', 'ig', '--ig-steps', '0'], /^--ig-steps 0 must be a whole number ≥ 1$/],
  [['--method', 'ig', '--ig-steps', '2.5'], /^--ig-steps 2\.5 is not a whole number$/],
  [['--method', 'ig', '--ig-baseline', 'grey'], /^--ig-baseline grey is not a number$/],
  [['--method', 'smoothgrad', '--samples', '0'], /^--samples 0 must be a whole number ≥ 1$/],
  [['--method', 'smoothgrad', '--noise=-0.1'], /^--noise -0\.1 must be a number ≥ 0$/],
  [['--method', 'smoothgrad', '--smoothgrad-seed', '4294967296'], /^--smoothgrad-seed 4294967296 must be a whole number ≤ 4294967295$/],
  [['--method', 'gradcam', '--layer', 'classifier.0'], /gradcam: layer "classifier.0" is not a spatial output of the model/],
];

for (const [args, pattern] of REFUSED) {
  test(`fidelity refuses ${args.slice(2).join(' ')} in one line and writes nothing`, async () => {
    const { error } = await commandError(fidelityCommand, ['--model', model.path, ...images, ...args, '--json', out]);
    assert.instance(error, RangeError);
    assert.match(error.message, pattern);
    assert.not.match(error.message, /\n/);
    assert.not.ok(existsSync(out), 'no JSON written');
  });
}

test('merge refuses shards whose method options differ, naming the field', async () => {
  const shard = async (name: string, extra: string[]) => {
    const json = join(folder, name);
    const { code } = await runCommand(fidelityCommand, ['--model', model.path, ...images, '--steps', '4', '--method', 'ig', '--json', json, ...extra]);
    assert.is(code, 0);
    return json;
  };
  const a = await shard('shard-a.json', ['--shard', '0/2', '--ig-steps', '3']);
  const b = await shard('shard-b.json', ['--shard', '1/2', '--ig-steps', '5']);
  const same = await shard('shard-c.json', ['--shard', '1/2', '--ig-steps', '3']);
  const merged = join(folder, 'merged.json');
  const { error } = await commandError(mergeCommand, [a, b, '--json', merged]);
  assert.instance(error, RangeError);
  assert.match(error.message, /shard-b\.json is from another run than .*shard-a\.json: its method_options is \{"ig":\{"steps":5,"baseline":0\}\}, not \{"ig":\{"steps":3,"baseline":0\}\}/);
  assert.not.ok(existsSync(merged));
  const { code } = await runCommand(mergeCommand, [a, same, '--json', merged]);
  assert.is(code, 0);
  assert.equal(JSON.parse(readFileSync(merged, 'utf8')).run.method_options, { ig: { steps: 3, baseline: 0 } });
});

test.run();
