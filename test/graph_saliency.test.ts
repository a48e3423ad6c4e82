import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Graph, GraphModel } from '../src/graph/mod.ts';
import { initVggWeights, resnetGraph, vggGraph } from '../src/model/mod.ts';
import { saliencyMap } from '../src/nn/mod.ts';
import { referenceGraphBackward, referenceGraphForward, saliencyMap as refSaliencyMap } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu, poisoned } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';
import { vggSpecForTest } from './support/vgg_spec_for_test.ts';

// GraphModel.backward's saliencyMap option: the map its first conv's gradient kernel writes (or the
// saliency_map pass that follows where that kernel is not fused) against saliency_map run on the input
// gradient of the same pass, bit for bit, and against the float64 graph's; the fused kernel must run
// where conv2dBackwardSaliencyVariant picks one, and the separate pass must not.

const random = testRandom('graph_saliency');
const labels = (k: number) => Array.from({ length: k }, (_, i) => `class ${i}`);

function vgg(channels: number): Graph {
  const spec = vggSpecForTest({ channels, height: 12, width: 20 }, [8, 'M', 12], [16], 6);
  return vggGraph({ spec, weights: initVggWeights(spec, random, { bias: 0.1 }) });
}

// Per case: the shaders that write the map (the fused kernel, or the separate pass).
const CASES: Array<[string, Graph, number, string]> = [
  ['a VGG on 3×12×20 (3×3 first conv: conv2d_forward_v5 stores the map)', vgg(3), 2, gpu.subgroupSize === 8 ? 'conv2d_forward_v5 SALIENCY' : 'saliency_map'],
  ['a VGG on 1×12×20 (grey)', vgg(1), 3, gpu.subgroupSize === 8 ? 'conv2d_forward_v5 SALIENCY' : 'saliency_map'],
  [
    'a basic-block ResNet on 3×18×14 (7×7 stride-2 stem: conv2d_backward_saliency)',
    resnetGraph({ blocks: [1, 1], bottleneck: false, width: 8, input: { channels: 3, height: 18, width: 14 }, labels: labels(4) }, random),
    2,
    'conv2d_backward_saliency',
  ],
  ['a VGG on 12×12×20 (more channels than an image: the separate pass)', vgg(12), 2, 'saliency_map'],
];

/** Records the shaders (with SALIENCY where set) whose pipelines `run` asks for. */
async function shadersOf(run: () => Promise<void>): Promise<string[]> {
  const names: string[] = [];
  const original = gpu.pipeline;
  gpu.pipeline = (shader, constants = {}) => {
    names.push(constants.SALIENCY ? `${shader.name} SALIENCY` : shader.name);
    return original.call(gpu, shader, constants);
  };
  try {
    await run();
  } finally {
    gpu.pipeline = original;
  }
  return names;
}

for (const [name, graph, n, writer] of CASES) {
  test(`GraphModel.backward's saliency map equals saliency_map of its input gradient and the reference, every rule: ${name}`, async () => {
    const { channels, height, width } = graph.info.input;
    const input = random.uniformArray(n * channels * height * width);
    const model = GraphModel.create(gpu, graph);
    const expected = referenceGraphForward(graph, input, n);
    await model.forward(input, n);
    const dLogits = random.uniformArray(n * graph.info.labels.length);
    for (const rule of RELU_RULES) {
      const map = poisoned(n * height * width, 'map');
      const shaders = await shadersOf(() => model.backward(dLogits, rule, { saliencyMap: map }));
      assert.ok(shaders.includes(writer), `${writer} wrote the map (${rule}; asked for: ${shaders.join(', ')})`);
      if (writer !== 'saliency_map') assert.not.ok(shaders.includes('saliency_map'), `no separate saliency_map pass (${rule})`);
      const got = await gpu.read(map);
      const separate = poisoned(n * height * width, 'separate map');
      await saliencyMap(gpu, { n, c: channels, h: height, w: width }, model.inputGradient, separate);
      assertEqual(`map against saliency_map of ∂input (${rule})`, got, await gpu.read(separate), { random });
      const reference = referenceGraphBackward(graph, expected, dLogits, rule);
      assertClose(`map (${rule})`, got, refSaliencyMap({ n, c: channels, h: height, w: width }, reference.dInput), { random });
    }
    model.destroy();
  });
}

test('GraphModel.backward with fuse: false writes the same saliency map by the separate pass', async () => {
  const graph = vgg(3);
  const input = random.uniformArray(2 * 3 * 12 * 20);
  const dLogits = random.uniformArray(12);
  const maps: Float32Array[] = [];
  for (const fuse of [true, false]) {
    const model = GraphModel.create(gpu, graph, { fuse });
    await model.forward(input, 2);
    const map = poisoned(480, 'map');
    const shaders = await shadersOf(() => model.backward(dLogits, 'guided', { saliencyMap: map }));
    assert.is(shaders.includes('saliency_map'), !fuse || gpu.subgroupSize !== 8, `the separate pass ran (fuse: ${fuse})`);
    maps.push(await gpu.read(map));
    model.destroy();
  }
  assertEqual('map, fused against fuse: false', maps[0], maps[1], { random });
});

test('GraphModel.backward refuses a saliency map of the wrong size, or without the gradient to the input', async () => {
  const graph = vgg(3);
  const model = GraphModel.create(gpu, graph);
  await model.forward(random.uniformArray(2 * 3 * 12 * 20), 2);
  const dLogits = random.uniformArray(12);
  await assertRejectsWith(() => model.backward(dLogits, 'gradient', { saliencyMap: gpu.tensor(240, 'map') }), RangeError, /saliency map has 240 values but \(2, 12, 20\) needs 480/);
  const map = gpu.tensor(480, 'map');
  await assertRejectsWith(() => model.backward(dLogits, 'gradient', { saliencyMap: map, input: false }), RangeError, /needs the gradient to the input/);
  await assertRejectsWith(() => model.backward(dLogits, 'gradient', { saliencyMap: map, downTo: 2 }), RangeError, /needs the gradient to the input/);
  model.destroy();
});

test.run();
