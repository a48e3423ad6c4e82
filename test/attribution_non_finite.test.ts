// Bad numbers in good files: a model whose weights are finite but overflow float32 on the way, and a class
// model ascent that diverges, stop with a message naming the step instead of writing NaN pictures.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFiniteMaps } from '../src/attribution/mod.ts';
import { classvizCommand, saliencyCommand } from '../src/cli/mod.ts';
import { initVggWeights } from '../src/model/mod.ts';
import { commandError, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, randomImage, saveModel } from './support/test_models.ts';

const random = testRandom('attribution_non_finite');
const folder = temporaryFolder();
const image = writePng(join(folder, 'rgb.png'), randomImage(random, 20, 24, 3));

test('checkFiniteMaps names the forward pass for an overflowed score and the backward pass for a NaN map', () => {
  const maps = new Float32Array(2 * 6);
  const logits = Float32Array.of(1, 2, 3, 4);
  checkFiniteMaps({ maps, logits, classes: [0, 1] }, 2, 'guided');
  logits[3] = Infinity;
  assert.throws(() => checkFiniteMaps({ maps, logits, classes: [0, 1] }, 2, 'guided'), /^the forward pass gave image 1 a non-finite score \(Infinity for class 1\)/);
  logits[3] = 4;
  maps[7] = NaN;
  maps[8] = -Infinity;
  assert.throws(() => checkFiniteMaps({ maps, logits, classes: [0, 1] }, 2, 'guided'), /^the backward pass \(guided\) gave image 1 a map with 2 non-finite values of 6/);
});

test('saliency with a model whose finite weights overflow the logits stops naming the forward pass, writing nothing', async () => {
  const weights = initVggWeights(COLOUR_SPEC, random, { bias: 0.1 });
  for (const [name, data] of weights) if (name.endsWith('.weight')) data.forEach((x, i) => void (data[i] = x * 1e12));
  const model = saveModel(folder, 'overflow', COLOUR_SPEC, weights).path;
  const out = join(folder, 'map.png');
  const { error } = await commandError(saliencyCommand, ['--model', model, '--image', image, '--out', out]);
  assert.instance(error, RangeError);
  assert.match(error.message, /^the forward pass gave image 0 a non-finite score/);
  assert.ok(!readdirSync(folder).includes('map.png'));
});

test('classviz whose ascent diverges stops naming the step, writing nothing', async () => {
  const weights = initVggWeights(COLOUR_SPEC, random, { bias: 0.1 });
  const model = saveModel(folder, 'plain', COLOUR_SPEC, weights).path;
  const { error } = await commandError(classvizCommand, ['--model', model, '--class', '1', '--lr', '1e37', '--steps', '50', '--out', join(folder, 'c.png')]);
  assert.instance(error, RangeError);
  assert.match(error.message, /^classModel: the (ascent of class 1 diverged at step [1-9]\d* .*|image of class 1 became non-finite \((-?Infinity|NaN)\) between step \d+ and step [1-9]\d*); use a smaller learning rate$/);
  assert.ok(!readdirSync(folder).includes('c.png'));
});

test.run();
