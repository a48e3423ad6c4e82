import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classvizCommand, type Command, predictCommand, saliencyCommand } from '../src/cli/mod.ts';
import { FormatError } from '../src/io/mod.ts';
import { commandError, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_errors');
const folder = temporaryFolder();
const colour = writeModel(folder, 'colour', COLOUR_SPEC, random).path;
const grey = writeModel(folder, 'grey', GREY_SPEC, random).path;
const rgb = writePng(join(folder, 'rgb.png'), randomImage(random, 20, 24, 3));
const out = join(folder, 'out.png');

/** Each case: the command, its arguments, and the one line it must fail with. */
const CASES: [string, Command, string[], RegExp][] = [
  ['an image of the wrong size', predictCommand, ['--model', colour, '--image', writePng(join(folder, 'wide.png'), randomImage(random, 20, 30, 3))],
    /wide\.png is 20×30 pixels \(height×width\) but the model expects 20×24; resize it first, e\.g\. magick in\.png -resize 24x20! out\.png$/],
  ['a grey image to a colour model', saliencyCommand, ['--model', colour, '--image', writePng(join(folder, 'grey.png'), randomImage(random, 20, 24, 1)), '--out', out],
    /grey\.png is a grey image but the model expects colour \(3 channels, RGB\); convert it/],
  ['a colour image to a grey model', predictCommand, ['--model', grey, '--image', writePng(join(folder, 'colour.png'), randomImage(random, 12, 10, 3))],
    /colour\.png is a colour image but the model expects grey \(1 channel\); convert it/],
  ['a class index out of range', saliencyCommand, ['--model', colour, '--image', rgb, '--class', '10', '--out', out],
    /^--class 10 is out of range: the model has 10 classes, 0 to 9$/],
  ['a negative class index', classvizCommand, ['--model', grey, '--class=-1', '--out', out], /^--class -1 is out of range: the model has 3 classes, 0 to 2$/],
  ['a label the model does not have', classvizCommand, ['--model', colour, '--class', 'zebra', '--out', out],
    /^--class "zebra" is not a label of this model \(10 labels: "tench, Tinca tinca", "goldfish", .*give a label or an index 0 to 9$/],
  ['a label two classes share (ignoring case)', classvizCommand, ['--model', colour, '--class', 'GOLDFISH', '--out', out],
    /^--class "GOLDFISH" names 2 classes \(1 "goldfish", 3 "Goldfish"\); give the index$/],
  ['a missing model file', predictCommand, ['--model', join(folder, 'missing.safetensors'), '--image', rgb], /^model file .*missing\.safetensors does not exist$/],
  ['a model file that is not a model', predictCommand, ['--model', rgb, '--image', rgb], /^.*rgb\.png: model: neither a safetensors file/],
  ['no --model', predictCommand, ['--image', rgb], /^--model is required/],
  ['an unknown --preset', predictCommand, ['--model', colour, '--preset', 'vgg17', '--image', rgb], /^--preset vgg17 is not one of vgg11, vgg13, vgg16, vgg19$/],
  ['a corrupt PNG', predictCommand, ['--model', colour, '--image', corruptPng()], /corrupt\.png: png: a corrupt PNG file \(/],
  ['a file that is not a PNG', predictCommand, ['--model', colour, '--image', textFile()], /notes\.png: png: not a PNG file; convert it/],
  ['a JPEG', saliencyCommand, ['--model', colour, '--image', jpegFile(), '--out', out], /photo\.png: png: not a PNG file \(it is a JPEG\)/],
  ['a missing image', predictCommand, ['--model', colour, '--image', join(folder, 'nowhere.png')], /^image .*nowhere\.png does not exist$/],
  ['an unknown option', saliencyCommand, ['--model', colour, '--image', rgb, '--out', out, '--color', 'red'], /^saliency: Unknown option '--color'; see deepinside saliency --help$/],
  ['an unknown rule', saliencyCommand, ['--model', colour, '--image', rgb, '--out', out, '--rule', 'lrp'], /^--rule lrp is not one of gradient, deconvnet, guided$/],
  ['an unknown colour map', saliencyCommand, ['--model', colour, '--image', rgb, '--out', out, '--colormap', 'jet'], /^--colormap jet is not one of grey, inferno, viridis$/],
  ['no --out', saliencyCommand, ['--model', colour, '--image', rgb], /^--out is required/],
  ['a step count that is not a whole number', classvizCommand, ['--model', colour, '--class', '1', '--steps', '2.5', '--out', out], /^--steps 2\.5 is not a whole number$/],
  ['a learning rate of 0', classvizCommand, ['--model', colour, '--class', '1', '--lr', '0', '--out', out], /^--lr 0 must be a number > 0$/],
  ['a blur wider than the kernel takes', classvizCommand, ['--model', colour, '--class', '1', '--blur', '9', '--out', out], /^--blur 9 must be a number ≤ 8$/],
  ['the mean prior for a model without a mean image', classvizCommand, ['--model', colour, '--class', '1', '--mean-prior', '--out', out],
    /^--mean-prior: .*colour\.safetensors carries no mean image; add its training set's with deepinside mean-image --model .*colour\.safetensors --dataset NAME --out NEW\.safetensors$/],
  ['both sets of priors', classvizCommand, ['--model', colour, '--class', '1', '--mean-prior', '--priors', '--out', out], /^--priors and --mean-prior are two different sets of priors; choose one$/],
  ['a gradient blur wider than the kernel takes', classvizCommand, ['--model', colour, '--class', '1', '--gradient-blur', '9', '--out', out], /^--gradient-blur 9 must be a number ≤ 8$/],
  ['a jitter that is not a whole number', classvizCommand, ['--model', colour, '--class', '1', '--jitter', '1.5', '--out', out], /^--jitter 1\.5 is not a whole number$/],
  ['two --image to predict', predictCommand, ['--model', colour, '--image', rgb, '--image', rgb], /^predict takes one --image, got 2$/],
];

for (const [name, command, args, pattern] of CASES) {
  test(`deepinside ${command.name} refuses ${name} with a one-line RangeError, or FormatError for a bad file`, async () => {
    const { error } = await commandError(command, args);
    assert.ok(error instanceof RangeError || error instanceof FormatError, `${error.name}: ${error.message}`);
    assert.match(error.message, pattern);
    assert.not.match(error.message, /\n/);
  });
}

const NOWHERE = join(folder, 'no-such-folder');
const OUTPUT_CASES: [Command, string[], RegExp][] = [
  [saliencyCommand, ['--model', colour, '--image', rgb, '--out', join(NOWHERE, 'map.png')], /^--out .*no-such-folder\/map\.png: the folder .*no-such-folder does not exist$/],
  [saliencyCommand, ['--model', colour, '--image', rgb, '--out', out, '--overlay', join(NOWHERE, 'o.png')], /^--overlay .*: the folder .*no-such-folder does not exist$/],
  [saliencyCommand, ['--model', colour, '--image', rgb, '--out', out, '--npy', join(NOWHERE, 'm.npy')], /^--npy .*: the folder .*no-such-folder does not exist$/],
  [classvizCommand, ['--model', colour, '--class', '0', '--out', join(NOWHERE, 'c.png')], /^--out .*: the folder .*no-such-folder does not exist$/],
  [classvizCommand, ['--model', colour, '--class', '0', '--out', out, '--npy', join(NOWHERE, 'c.npy')], /^--npy .*: the folder .*no-such-folder does not exist$/],
  [classvizCommand, ['--model', colour, '--class', '0', '--out', folder], /is a folder; give a file name$/],
];

for (const [command, args, pattern] of OUTPUT_CASES) {
  test(`deepinside ${command.name} refuses ${args.at(-2)} in a folder that does not exist before asking for the GPU, writing nothing`, async () => {
    const { error, context } = await commandError(command, args);
    assert.instance(error, RangeError);
    assert.match(error.message, pattern);
    assert.is(context.gpuRequests, 0);
    assert.ok(!existsSync(out), 'nothing written');
  });
}

test('the deepinside launcher builds the command line and runs it: results on stdout, an error as one line and exit code 1', () => {
  const launcher = join(process.cwd(), 'src', 'cli', 'deepinside.mjs');
  const run = (args: string[], kernels?: string) =>
    spawnSync(process.execPath, [launcher, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DEEPINSIDE_KERNELS: kernels ?? '' } });
  const failed = run(['predict', '--model', join(folder, 'missing.safetensors'), '--image', rgb]);
  assert.is(failed.status, 1, failed.stderr);
  assert.is(failed.stdout, '');
  assert.match(failed.stderr, /^deepinside: model file .*missing\.safetensors does not exist\n$/);
  const predicted = run(['predict', '--model', colour, '--image', rgb, '--json']);
  assert.is(predicted.status, 0, predicted.stderr);
  assert.equal(JSON.parse(predicted.stdout).labels, COLOUR_SPEC.labels);
  // The portable kernels (what a browser without a GPU runs) give the same logits.
  const portable = run(['predict', '--model', colour, '--image', rgb, '--json'], 'portable');
  assert.is(portable.status, 0, portable.stderr);
  assertClose('logits, portable kernels', JSON.parse(portable.stdout).logits, JSON.parse(predicted.stdout).logits);
  const unknown = run(['predict', '--model', colour, '--image', rgb], 'fastest');
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, /^deepinside: DEEPINSIDE_KERNELS=fastest is not one of tuned, portable\n$/);
  const help = run(['classviz', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /^usage: deepinside classviz/);
});

function corruptPng(): string {
  const path = writePng(join(folder, 'corrupt.png'), randomImage(random, 20, 24, 3));
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 30));
  return path;
}

function textFile(): string {
  const path = join(folder, 'notes.png');
  writeFileSync(path, 'not an image at all\n');
  return path;
}

function jpegFile(): string {
  const path = join(folder, 'photo.png');
  writeFileSync(path, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]));
  return path;
}

test.run();
