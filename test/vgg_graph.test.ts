import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatBytes, Gpu } from '../src/gpu/mod.ts';
import { initVggWeights, vggGraph, vggLayers, vggPreset, type VggSpec } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { referenceVggBackward, referenceVggForward } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { vggSpecForTest } from './support/vgg_spec_for_test.ts';

const random = testRandom('vgg_graph');

const CASES: Array<[string, VggSpec, number]> = [
  ['[8, M, 16, M] → [32] on 3×20×24, batch 2', vggSpecForTest({ channels: 3, height: 20, width: 24 }, [8, 'M', 16, 'M'], [32], 10), 2],
  ['with an adaptive avgpool 5×6 → 2×3', vggSpecForTest({ channels: 3, height: 20, width: 24 }, [4, 'M', 6, 'M'], [10], 4, [2, 3]), 1],
  ['on 1×9×11 with a conv after the last pool', vggSpecForTest({ channels: 1, height: 9, width: 11 }, [5, 'M', 7, 'M', 3], [6, 4], 3), 3],
];

for (const [name, spec, n] of CASES) {
  // A binding limit just above one image's largest activation makes every batch and weight span several windows.
  const largest = Math.max(...vggLayers(spec).map((layer) => (layer.kind === 'conv' ? layer.outChannels * layer.height * layer.width : 0)));
  const limit = largest * 4 + 256;
  const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: limit });
  for (const [where, device] of [['', gpu], [`, bound in ${formatBytes(limit)} slices`, sliced]] as const) {
    test(`GraphModel of vggGraph ${name}${where} matches the reference model: logits, input gradients under every rule, weight gradients`, async () => {
      const weights = initVggWeights(spec, random, { bias: 0.1 });
      const input = random.uniformArray(n * spec.input.channels * spec.input.height * spec.input.width);
      const model = GraphModel.create(device, vggGraph({ spec, weights }));
      const expected = referenceVggForward(spec, weights, input, n);
      await model.forward(input, n);
      assertClose('logits', await device.read(model.logits), expected.logits, { random });
      const classes = spec.labels.length;
      const dLogits = random.uniformArray(n * classes);
      for (const rule of RELU_RULES) {
        const reference = referenceVggBackward(spec, weights, expected, dLogits, rule, rule === 'gradient');
        for (const p of model.parameters) device.poison(p.gradient);
        device.poison(model.inputGradient);
        await model.backward(dLogits, rule, { weights: rule === 'gradient' });
        assertClose(`∂input (${rule})`, await device.read(model.inputGradient), reference.dInput, { random });
        if (reference.dWeights) {
          for (const p of model.parameters) {
            assertClose(`∂${p.name}`, await device.read(p.gradient), reference.dWeights.get(p.name)!, { random });
          }
        }
      }
      model.destroy();
    });
  }
}

test('GraphModel.classScoreGradient of a VGG backpropagates the chosen unnormalised score of each image', async () => {
  const [, spec] = CASES[0];
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const input = random.uniformArray(2 * 3 * 20 * 24);
  const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
  const { logits, gradient } = await model.classScoreGradient(input, 2, [7, 2], 'guided');
  const forward = referenceVggForward(spec, weights, input, 2);
  const oneHot = new Float64Array(20);
  oneHot[7] = 1;
  oneHot[10 + 2] = 1;
  assertClose('logits', logits, forward.logits, { random });
  assertClose('∂S_c/∂input', gradient, referenceVggBackward(spec, weights, forward, oneHot, 'guided').dInput, { random });
  model.destroy();
});

test('GraphModel.backward of a VGG takes dLogits on the GPU too, skips the input gradient when training asks it to, and stops at downTo', async () => {
  const [, spec] = CASES[0];
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const input = random.uniformArray(2 * 3 * 20 * 24);
  const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
  const forward = referenceVggForward(spec, weights, input, 2);
  const dLogits = random.uniformArray(20);
  const expected = referenceVggBackward(spec, weights, forward, dLogits, 'gradient', true);
  await model.forward(input, 2);
  gpu.poison(model.inputGradient);
  await model.backward(gpu.tensorFrom(dLogits, 'dLogits on the GPU'), 'gradient', { weights: true, input: false });
  for (const p of model.parameters) assertClose(`∂${p.name}`, await gpu.read(p.gradient), expected.dWeights!.get(p.name)!, { random });
  const untouched = await gpu.read(model.inputGradient);
  if (!untouched.every(Number.isNaN)) throw new Error('input: false still wrote the input gradient');
  await model.backward(gpu.tensorFrom(dLogits, 'dLogits on the GPU'), 'gradient');
  assertClose('∂input', await gpu.read(model.inputGradient), expected.dInput, { random });
  // downTo: from the second conv layer up, as a fine-tune of the top does; nothing below it, nor the input.
  const nodes = model.graph.nodes;
  const downTo = nodes.findIndex((node, i) => node.op.kind === 'conv' && i > 0);
  const lower = new Set(nodes.slice(0, downTo).flatMap(({ op }) => (op.kind === 'conv' ? [op.weight, op.bias!] : [])));
  for (const p of model.parameters) gpu.poison(p.gradient);
  gpu.poison(model.inputGradient);
  await model.backward(dLogits, 'gradient', { weights: true, downTo });
  for (const p of model.parameters) {
    const gradient = await gpu.read(p.gradient);
    if (lower.has(p.name)) assert.ok(gradient.every(Number.isNaN), `downTo ${downTo} wrote ∂${p.name}`);
    else assertClose(`downTo ${downTo}: ∂${p.name}`, gradient, expected.dWeights!.get(p.name)!, { random });
  }
  assert.ok((await gpu.read(model.inputGradient)).every(Number.isNaN), `downTo ${downTo} wrote the input gradient`);
  assert.ok(lower.size > 0, 'the case has a conv layer below downTo');
  try {
    await model.backward(dLogits, 'gradient', { downTo: nodes.length });
    assert.unreachable('a downTo past the last layer was accepted');
  } catch (error) {
    assert.match((error as Error).message, new RegExp(`downTo ${nodes.length} is outside \\[0, ${nodes.length - 1}\\]`));
  }
  model.destroy();
});

test('GraphModel of a VGG rejects a class outside the labels and an input of the wrong size', async () => {
  const [, spec] = CASES[0];
  const model = GraphModel.create(gpu, vggGraph({ spec, weights: initVggWeights(spec, random) }));
  let messages = '';
  for (const run of [
    () => model.classScoreGradient(new Float32Array(2 * 3 * 20 * 24), 2, [3, 10], 'gradient'),
    () => model.forward(new Float32Array(3 * 20 * 23), 1),
  ]) {
    try {
      await run();
      messages += 'no error;';
    } catch (error) {
      messages += `${(error as Error).message};`;
    }
  }
  if (!/class 10 is outside \[0, 9\]/.test(messages) || !/input has 1380 values but a batch of 1 needs 1 × 3×20×24 = 1440/.test(messages)) {
    throw new Error(`unexpected messages: ${messages}`);
  }
  model.destroy();
});

test('vggGraph names its nodes by torchvision module path and hands out their activations and gradients', async () => {
  const spec = vggPreset('vgg16');
  const small = { ...spec, input: { channels: 3, height: 32, width: 32 }, avgpool: undefined, classifier: [8], labels: ['a', 'b', 'c'] };
  const model = GraphModel.create(gpu, vggGraph({ spec: small, weights: initVggWeights(small, random, { bias: 0.1 }) }));
  const outputs = model.spatialOutputs();
  // VGG16's features: 13 convs and ReLUs and 5 pools, features.0 … features.30; features.29 is the last ReLU.
  assert.equal(outputs.map((o) => o.name), Array.from({ length: 31 }, (_, i) => `features.${i}`));
  assert.equal(outputs[29], { name: 'features.29', channels: 512, height: 2, width: 2 });
  assert.equal(outputs[30], { name: 'features.30', channels: 512, height: 1, width: 1 });
  const input = random.uniformArray(2 * 3 * 32 * 32);
  // Fused ReLUs would leave features.28's output and features.29's gradient unwritten.
  model.keep(['features.28', 'features.29']);
  await model.forward(input, 2);
  const dLogits = random.uniformArray(2 * 3);
  await model.backward(dLogits, 'gradient');
  // features.29 is what the last max-pool (features.30) reads.
  const pool = model.graph.nodes.find((node) => node.name === 'features.30')!;
  assert.is(pool.op.kind, 'maxpool');
  assert.is(pool.inputs[0], model.graph.nodes.find((node) => node.name === 'features.29')!.output);
  // features.28 is the conv that ReLU features.29 follows: its output is max(0, x), and its gradient passes where x > 0.
  const x = await gpu.read(model.activation('features.28'));
  assert.equal(await gpu.read(model.activation('features.29')), x.map((v) => Math.max(0, v)));
  const dy = await gpu.read(model.activationGradient('features.29'));
  assert.equal(await gpu.read(model.activationGradient('features.28')), dy.map((g, i) => (x[i] > 0 ? g : 0)));
  assert.ok(dy.some((g) => g !== 0), 'a gradient at features.29 that is not all zeros');
  assert.equal(model.graph.nodes.slice(31).map((node) => `${node.name} ${node.op.kind}`), ['flatten flatten', 'classifier.0 linear', 'classifier.1 relu', 'classifier.3 linear']);
  assert.throws(() => model.activation('features.31'), /no node "features.31"/);
  assert.is(model.info, small);
  model.destroy();
});

test.run();
