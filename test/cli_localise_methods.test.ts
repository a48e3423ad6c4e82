import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attribute, ATTRIBUTION_METHODS, boxScores } from '../src/attribution/mod.ts';
import { localiseCommand, readClutteredDataset } from '../src/cli/mod.ts';
import type { VggSpec } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { vggGraph } from '../src/model/mod.ts';
import { commandError, runCommand, temporaryFolder } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { fashionMnist } from './support/fashion_mnist.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { writeModel } from './support/test_models.ts';

const random = testRandom('cli_localise_methods');
const folder = temporaryFolder();
const SCENE_SPEC: VggSpec = {
  format: 1,
  architecture: 'vgg',
  features: [4, 'M', 4, 'M'],
  classifier: [],
  input: { channels: 3, height: 64, width: 64 },
  normalize: { mean: [0.4, 0.4, 0.4], std: [0.2, 0.2, 0.2] },
  labels: fashionMnist('test').classes,
};
const scenesModel = writeModel(folder, 'scenes', SCENE_SPEC, random);

test('localise --method all scores every method; ig, smoothgrad and gradcam as box scores of their attribute() maps', async () => {
  const args = ['--model', scenesModel.path, '--limit', '3', '--method', 'all', '--steps', '4', '--samples', '3', '--seed', '9', '--json'];
  const { code, context } = await runCommand(localiseCommand, args);
  assert.is(code, 0);
  const result = JSON.parse(context.printed[0]) as { rules: Record<string, { inBox: number; pointing: number }> };
  assert.equal(Object.keys(result.rules).sort(), [...ATTRIBUTION_METHODS].sort());
  const scenes = readClutteredDataset('test');
  const { mean, std } = SCENE_SPEC.normalize;
  const plane = 64 * 64;
  const input = new Float32Array(3 * 3 * plane);
  const items = [0, 1, 2].map((i) => scenes.item(i));
  items.forEach((item, b) => item.image.forEach((v, i) => (input[b * 3 * plane + i] = (v - mean[Math.floor(i / plane)]) / std[Math.floor(i / plane)])));
  const model = GraphModel.create(gpu, vggGraph(scenesModel));
  for (const method of ['ig', 'smoothgrad', 'gradcam'] as const) {
    const { maps } = await attribute(model, input, 3, items.map((s) => s.label), method, { steps: 4, samples: 3, seed: 9 });
    const scores = items.map(({ box }, b) => boxScores(maps.subarray(b * plane, (b + 1) * plane), 64, 64, box));
    assertClose(`${method} mass in box`, [result.rules[method].inBox], [scores.reduce((a, s) => a + s.inBox, 0) / 3], { rtol: 1e-5 });
    assert.is(result.rules[method].pointing, scores.filter((s) => s.hit).length / 3, `${method} pointing`);
  }
  model.destroy();
});

test('localise --method gradcam prints its row by the method name', async () => {
  const { context } = await runCommand(localiseCommand, ['--model', scenesModel.path, '--limit', '2', '--method', 'gradcam']);
  const text = context.printed.join('\n');
  assert.match(text, /\ngradcam +\d+\.\d% +\d+\.\d%/);
  assert.not.match(text, /saliency, gradient/);
});

test('localise refuses --rule with --method, an unknown method and --steps 0, before any GPU work', async () => {
  for (const [args, pattern] of [
    [['--rule', 'guided', '--method', 'ig'], /^--rule and --method name the same choice/],
    [['--method', 'lime'], /^--method lime is not one of gradient, deconvnet, guided, gradxinput, ig, smoothgrad, gradcam$/],
    [['--method', 'ig', '--steps', '0'], /^--steps 0 must be a whole number ≥ 1$/],
  ] as const) {
    const { error, context } = await commandError(localiseCommand, ['--model', scenesModel.path, ...args]);
    assert.instance(error, RangeError);
    assert.match(error.message, pattern);
    assert.is(context.gpuRequests, 0);
  }
});

test.run();
