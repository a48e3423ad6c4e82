import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Graph, GraphModel, graphShapes, tensorSize } from '../src/graph/mod.ts';
import { initVggWeights, resnetGraph, vggGraph } from '../src/model/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';
import { vggSpecForTest } from './support/vgg_spec_for_test.ts';

// A backward pass keeps only the input's gradient and those of the nodes `keep` names; every other
// gradient borrows a pool buffer from its first write to its producer's step. The pool must give the same
// numbers as a buffer per gradient, pass after pass, and hold a chain in two buffers.

const random = testRandom('graph_gradient_pool');

function vgg(): Graph {
  const spec = vggSpecForTest({ channels: 3, height: 20, width: 24 }, [8, 'M', 16, 16, 'M', 12], [32], 10);
  return vggGraph({ spec, weights: initVggWeights(spec, random, { bias: 0.1 }) });
}

// [name, graph, batch, pool buffers, weight gradients too (the weight-gradient kernel takes stride 1 only)]
const CASES: Array<[string, Graph, number, number, boolean]> = [
  // A chain: the gradient being read and the one being written, two buffers.
  ['a VGG (a chain)', vgg(), 2, 2, true],
  // A block's input feeds its branch and its shortcut: its gradient waits while the branch's run.
  ['a basic-block ResNet', resnetGraph({ blocks: [2, 1], bottleneck: false, width: 4, input: { channels: 3, height: 13, width: 11 }, labels: ['a', 'b', 'c', 'd', 'e'], batchNorm: 'nodes' }, random), 2, 3, false],
];

for (const [name, graph, n, buffers, weights] of CASES) {
  test(`the gradient pool of ${name} gives every rule's input${weights ? ' and weight' : ''} gradients bit for bit as a buffer per gradient does, in ${buffers} buffers`, async () => {
    const { shapes } = graphShapes(graph);
    const inputSize = tensorSize(shapes.get(graph.input)!);
    const largest = Math.max(...graph.nodes.map((node) => tensorSize(shapes.get(node.output)!)));
    const pooled = GraphModel.create(gpu, graph);
    const whole = GraphModel.create(gpu, graph);
    // Every node kept: every gradient in a buffer of its own, none from the pool.
    whole.keep(graph.nodes.map((node) => node.name));
    const input = random.uniformArray(n * inputSize);
    await pooled.forward(input, n);
    await whole.forward(input, n);
    for (const rule of RELU_RULES) {
      // Two passes with different dLogits: the second must not see the first's values in a reused buffer.
      for (let pass = 0; pass < 2; pass++) {
        const dLogits = random.uniformArray(n * graph.info.labels.length);
        gpu.poison(pooled.inputGradient);
        await pooled.backward(dLogits, rule, { weights });
        await whole.backward(dLogits, rule, { weights });
        assert.equal(await gpu.read(pooled.inputGradient), await gpu.read(whole.inputGradient), `∂input, ${rule}, pass ${pass}`);
        if (!weights) continue;
        for (const p of pooled.parameters) {
          assert.equal(await gpu.read(p.gradient), await gpu.read(whole.parameter(p.name).gradient), `∂${p.name}, ${rule}, pass ${pass}`);
        }
      }
    }
    assert.is(pooled.gradientElements, n * (inputSize + buffers * largest));
    assert.ok(whole.gradientElements > pooled.gradientElements, `${whole.gradientElements} against ${pooled.gradientElements}`);
    // A max-pool's output gradient is written whatever the fusion, and was not kept.
    const inner = graph.nodes.find((node) => node.op.kind === 'maxpool')!.name;
    assertThrowsWith(() => pooled.activationGradient(inner), Error, new RegExp(`"${inner.replace('.', '\\.')}"'s output gradient was not kept .*keep\\(\\['${inner.replace('.', '\\.')}'\\]\\)`));
    pooled.destroy();
    whole.destroy();
  });
}

test('a gradient kept after a pass gets its own buffer from the next pass on, and the pool does not grow', async () => {
  const graph = vgg();
  const model = GraphModel.create(gpu, graph);
  const n = 2;
  const input = random.uniformArray(n * 3 * 20 * 24);
  const dLogits = random.uniformArray(n * 10);
  await model.forward(input, n);
  await model.backward(dLogits, 'gradient');
  const before = model.gradientElements;
  await model.backward(dLogits, 'gradient');
  assert.is(model.gradientElements, before, 'a second pass takes the same buffers');
  // features.3 is the conv after the first pool; its output gradient is 16 × 10 × 12 an image.
  model.keep(['features.3']);
  const kept = model.activationGradient('features.3');
  assert.is(kept.length, n * 16 * 10 * 12);
  gpu.poison(kept);
  await model.backward(dLogits, 'gradient');
  const got = await gpu.read(model.activationGradient('features.3'));
  assert.ok(got.every(Number.isFinite) && got.some((g) => g !== 0), 'written by the pass');
  assert.is(model.gradientElements, before + kept.length);
  model.destroy();
});

test.run();
