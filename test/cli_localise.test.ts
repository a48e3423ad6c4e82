import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localiseSaliency } from '../src/attribution/mod.ts';
import { localiseCommand, readClutteredDataset } from '../src/cli/mod.ts';
import type { VggSpec } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { vggGraph } from '../src/model/mod.ts';
import { commandError, runCommand, temporaryFolder } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { fashionMnist } from './support/fashion_mnist.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { GREY_SPEC, writeModel } from './support/test_models.ts';

const random = testRandom('cli_localise');
const folder = temporaryFolder();
/** A random VGG the size of the cluttered scenes: small, so that the test is quick. */
const SCENE_SPEC: VggSpec = {
  format: 1,
  architecture: 'vgg',
  features: [4, 'M', 4, 'M'],
  classifier: [],
  input: { channels: 3, height: 64, width: 64 },
  normalize: { mean: [0.4, 0.4, 0.4], std: [0.2, 0.2, 0.2] },
  labels: fashionMnist('test').classes,
};
const colour = writeModel(folder, 'scenes', SCENE_SPEC, random);

interface LocaliseJson {
  model: string;
  split: string;
  count: number;
  target: string;
  accuracy: number;
  boxArea: number;
  rules: Record<string, { inBox: number; pointing: number }>;
  gaussians: { sigma: number; inBox: number; pointing: number }[];
}

test('localise --json reports what localiseSaliency measures on the first scenes of the cluttered test split', async () => {
  const { code, context } = await runCommand(localiseCommand, ['--model', colour.path, '--limit', '6', '--batch', '4', '--json']);
  assert.is(code, 0);
  const result = JSON.parse(context.printed[0]) as LocaliseJson;
  const all = readClutteredDataset('test');
  const scenes = { name: 'first 6', length: 6, input: all.input, item: (i: number) => all.item(i) };
  const model = GraphModel.create(gpu, vggGraph(colour));
  const expected = await localiseSaliency(model, scenes);
  model.destroy();
  assert.equal([result.model, result.split, result.count, result.target], [colour.path, 'test', 6, 'label']);
  assert.is(result.accuracy, expected.accuracy);
  assert.equal(Object.keys(result.rules), ['gradient', 'deconvnet', 'guided']);
  for (const [rule, scores] of expected.rules) {
    assertClose(`${rule} mass in box`, [result.rules[rule].inBox], [scores.inBox]);
    assert.is(result.rules[rule].pointing, scores.pointing, `${rule} pointing`);
  }
  assert.equal(result.gaussians.map(({ sigma }) => sigma), [8, 16, 32]);
  result.gaussians.forEach(({ sigma, inBox, pointing }) => assert.equal({ inBox, pointing }, expected.gaussians.get(sigma), `σ ${sigma}`));
  assert.is(result.boxArea, expected.boxArea);
});

test('localise prints a table with a row for the rule asked for, the Gaussians and the uniform map', async () => {
  const { code, context } = await runCommand(localiseCommand, ['--model', colour.path, '--limit', '2', '--rule', 'guided', '--class', 'top']);
  assert.is(code, 0);
  const text = context.printed.join('\n');
  assert.match(text, /cluttered test \(first 2\): 2 scenes, maps of the predicted class/);
  assert.match(text, /saliency, guided +\d+\.\d% +\d+\.\d%/);
  assert.not.match(text, /saliency, gradient/);
  assert.match(text, /centred Gaussian σ=16 +\d+\.\d% +\d+\.\d%/);
  assert.match(text, /uniform \(box area\) +\d+\.\d% +—/);
});

test('localise refuses a grey model, an unknown rule or class choice, and a missing model, before any GPU work', async () => {
  const grey = writeModel(folder, 'grey', GREY_SPEC, random);
  for (const [args, pattern] of [
    [['--model', grey.path], /takes 1×12×10 inputs, but the cluttered scenes are 3×64×64; give a model trained with deepinside train --dataset cluttered/],
    [['--model', colour.path, '--rule', 'lrp'], /--rule lrp is not one of gradient, deconvnet, guided, all/],
    [['--model', colour.path, '--class', 'best'], /--class best is not one of truth, top/],
    [['--model', `${folder}/none.safetensors`], /model file .*none.safetensors does not exist/],
  ] as const) {
    const { error, context } = await commandError(localiseCommand, args);
    assert.instance(error, RangeError);
    assert.match(error.message, pattern);
    assert.is(context.gpuRequests, 0, `${args.join(' ')} asked for the GPU`);
  }
});

test.run();
