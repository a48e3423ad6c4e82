import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLASS_MODEL_DEFAULTS, CLASS_MODEL_MEAN_PRIOR, meanImagePrior } from '../src/attribution/mod.ts';
import { classvizCommand, decodePng } from '../src/cli/mod.ts';
import { readNpy } from '../src/io/mod.ts';
import { saveVgg } from '../src/model/mod.ts';
import { runCommand, temporaryFolder } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { wellPosedClassModels } from './support/reference_class_model.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, saveModel } from './support/test_models.ts';

const random = testRandom('cli_classviz');
const folder = temporaryFolder();

test('classviz --npy writes the class model of the float64 ascent (C, H, W), shows the score climbing, and writes the PNG', async () => {
  const { weights, classes: [c], references: [reference] } = wellPosedClassModels(COLOUR_SPEC, random, 1, 6, 0.5, 0.05);
  const colour = saveModel(folder, 'colour', COLOUR_SPEC, weights);
  const label = COLOUR_SPEC.labels[c];
  const out = join(folder, 'class.png');
  const npy = join(folder, 'class.npy');
  const args = ['--model', colour.path, '--class', label, '--steps', '6', '--lr', '0.5', '--l2', '0.05', '--out', out, '--npy', npy];
  const { code, context } = await runCommand(classvizCommand, args);
  assert.is(code, 0);
  const saved = readNpy(readFileSync(npy));
  assert.equal(saved.shape, [3, 20, 24]);
  assertClose('class model', saved.data, reference.image, { random });
  const name = `class ${c} "${label}"`;
  assert.is(context.progressLines.length, 7);
  assert.ok(context.progressLines[6].startsWith(`${name} [${'#'.repeat(20)}] step 6/6  S_c `), context.progressLines[6]);
  const final = Number(/S_c (\S+)$/.exec(context.progressLines[6])![1]);
  assert.ok(Math.abs(final - reference.scores[6]) <= 1e-4 * Math.abs(reference.scores[6]) + 1e-5, `S_c ${final} vs ${reference.scores[6]}`);
  assert.ok(context.printed[0].startsWith(`${name}: S_c `) && context.printed[0].endsWith(' in 6 steps'), context.printed[0]);
  const png = decodePng(readFileSync(out), out);
  assert.equal([png.width, png.height, png.channels], [24, 20, 3]);
});

test('classviz --class all renders every class into one labelled grid, and --npy stacks them (classes, C, H, W), in batches of --batch', async () => {
  const { learningRate, l2 } = CLASS_MODEL_DEFAULTS;
  const { weights, classes, references } = wellPosedClassModels(GREY_SPEC, random, 'all', 3, learningRate, l2);
  const grey = saveModel(folder, 'grey', GREY_SPEC, weights);
  const out = join(folder, 'all.png');
  const npy = join(folder, 'all.npy');
  const { code, context } = await runCommand(classvizCommand, ['--model', grey.path, '--class', 'all', '--steps', '3', '--batch', '2', '--out', out, '--npy', npy]);
  assert.is(code, 0);
  const saved = readNpy(readFileSync(npy));
  assert.equal(saved.shape, [3, 1, 12, 10]);
  classes.forEach((c, i) => assertClose(`class ${c}`, saved.data.subarray(c * 120, (c + 1) * 120), references[i].image, { random }));
  assert.equal(context.printed.filter((line) => / in 3 steps$/.test(line)).length, 3);
  const grid = decodePng(readFileSync(out), out);
  // Two columns of tiles enlarged 10× (to ≥ 96 pixels wide), each with a label band: see labelledGrid.
  assert.equal([grid.width, grid.height, grid.channels], [6 + 2 * (100 + 6), 6 + 2 * (120 + 10 + 6), 3]);
});

test('classviz --mean-prior starts from the model\'s mean image and follows the float64 ascent about it, within the pixel range', async () => {
  const { channels, height, width } = GREY_SPEC.input;
  const meanImage = random.uniformArray(channels * height * width, 0.2, 0.8);
  const { anchor, bounds } = meanImagePrior(GREY_SPEC, meanImage);
  const priors = { jitter: CLASS_MODEL_MEAN_PRIOR.jitter, blur: 0, blurEvery: 4, seed: 1, gradientBlur: CLASS_MODEL_MEAN_PRIOR.gradientBlur, anchor, bounds };
  const [steps, learningRate] = [5, CLASS_MODEL_MEAN_PRIOR.learningRate];
  const { weights, classes: [c], references: [reference] } = wellPosedClassModels(GREY_SPEC, random, 1, steps, learningRate, CLASS_MODEL_DEFAULTS.l2, priors);
  const path = join(folder, 'with-mean.safetensors');
  writeFileSync(path, saveVgg({ spec: GREY_SPEC, weights, meanImage }));
  const out = join(folder, 'mean-prior.png');
  const npy = join(folder, 'mean-prior.npy');
  const { code } = await runCommand(classvizCommand, ['--model', path, '--class', String(c), '--mean-prior', '--steps', String(steps), '--out', out, '--npy', npy]);
  assert.is(code, 0);
  const saved = readNpy(readFileSync(npy));
  assertClose('class model', saved.data, reference.image, { random });
  // Shown as it is: each pixel is the normalisation undone, in 8 bits.
  const png = decodePng(readFileSync(out), out);
  const { mean, std } = GREY_SPEC.normalize;
  const shown = Array.from(saved.data, (x) => Math.round(255 * Math.min(1, Math.max(0, x * std[0] + mean[0]))));
  assert.ok(shown.every((v, i) => Math.abs(v - png.data[i]) <= 1), 'the PNG is not the image as it is');
});

test.run();
