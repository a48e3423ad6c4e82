import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatBytes, Gpu } from '../src/gpu/mod.ts';
import { type Graph, GraphModel, type GraphNode, graphShapes, tensorSize } from '../src/graph/mod.ts';
import { initVggWeights, resnetGraph, vggGraph } from '../src/model/mod.ts';
import { referenceGraphBackward, referenceGraphForward } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';
import { vggSpecForTest } from './support/vgg_spec_for_test.ts';

// GraphModel's fused ReLUs (the `fuse` option, on by default): a fused model against the same model
// unfused, which it must equal bit for bit (logits, input and weight gradients under every rule), and
// against the float64 reference graph; fusion must actually happen (fewer ReLU nodes run).

const random = testRandom('graph_fusion');

const labels = (k: number) => Array.from({ length: k }, (_, i) => `class ${i}`);

function vgg(): Graph {
  const spec = vggSpecForTest({ channels: 3, height: 20, width: 24 }, [8, 'M', 16, 16, 'M', 12], [32], 10);
  return vggGraph({ spec, weights: initVggWeights(spec, random, { bias: 0.1 }) });
}

// Per case: whether some conv feeds a ReLU directly (forward fusion; with batch-norm nodes between them
// only the backward fuses), and whether weight gradients are checked (GraphModel's strided convs have none).
const CASES: Array<[string, Graph, number, { readonly forward: boolean; readonly weights: boolean }]> = [
  ['a VGG [8, M, 16, 16, M, 12] → [32] on 3×20×24, batch 2', vgg(), 2, { forward: true, weights: true }],
  [
    'a basic-block ResNet with batch-norm nodes on 3×13×11, batch 2',
    resnetGraph({ blocks: [2, 1], bottleneck: false, width: 4, input: { channels: 3, height: 13, width: 11 }, labels: labels(5), batchNorm: 'nodes' }, random),
    2,
    { forward: false, weights: false },
  ],
  [
    'a basic-block ResNet with folded batch norm on 3×16×16, batch 3',
    resnetGraph({ blocks: [1, 1], bottleneck: false, width: 8, input: { channels: 3, height: 16, width: 16 }, labels: labels(4) }, random),
    3,
    { forward: true, weights: false },
  ],
];

/** A model that counts the ReLU nodes it runs in each pass. */
function counted(device: Gpu, graph: Graph, options: { fuse?: boolean; winograd?: boolean }) {
  const relus = { forward: 0, backward: 0 };
  const model = GraphModel.create(device, graph, { ...options, onNode: (node: GraphNode, pass) => (node.op.kind === 'relu' ? relus[pass]++ : undefined) });
  return { model, relus };
}

for (const [name, graph, n, expect] of CASES) {
  const { shapes } = graphShapes(graph);
  const largest = Math.max(...[...shapes.values()].map(tensorSize), ...[...graph.weights.values()].map((w) => w.length));
  const limit = largest * 4 + 256;
  const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: limit });
  const reluNodes = graph.nodes.filter((node) => node.op.kind === 'relu').length;
  for (const [where, device] of [['', gpu], [`, bound in ${formatBytes(limit)} slices`, sliced]] as const) {
    test(`GraphModel of ${name}${where} fused equals it unfused bit for bit and matches the reference: logits, input${expect.weights ? ' and weight' : ''} gradients under every rule`, async () => {
      const input = random.uniformArray(n * tensorSize(shapes.get(graph.input)!));
      const fused = counted(device, graph, {});
      const plain = GraphModel.create(device, graph, { fuse: false });
      const expected = referenceGraphForward(graph, input, n);
      await fused.model.forward(input, n);
      await plain.forward(input, n);
      const logits = await device.read(fused.model.logits);
      assertEqual('logits, fused against unfused', logits, await device.read(plain.logits), { random });
      assertClose('logits', logits, expected.logits, { random });
      if (expect.forward) assert.ok(fused.relus.forward < reluNodes, `some ReLU ran in a conv's epilogue (${fused.relus.forward} of ${reluNodes} ran alone)`);
      const dLogits = random.uniformArray(n * graph.info.labels.length);
      for (const rule of RELU_RULES) {
        const reference = referenceGraphBackward(graph, expected, dLogits, rule);
        const weights = expect.weights && rule === 'gradient';
        for (const model of [fused.model, plain]) {
          device.poison(model.inputGradient);
          if (weights) for (const p of model.parameters) device.poison(p.gradient);
        }
        fused.relus.backward = 0;
        await fused.model.backward(dLogits, rule, { weights });
        await plain.backward(dLogits, rule, { weights });
        assert.ok(fused.relus.backward < reluNodes, `some ReLU's rule ran in the kernel above it (${rule}: ${fused.relus.backward} of ${reluNodes} ran alone)`);
        const got = await device.read(fused.model.inputGradient);
        assertEqual(`∂input, fused against unfused (${rule})`, got, await device.read(plain.inputGradient), { random });
        assertClose(`∂input (${rule})`, got, reference.dInput, { random });
        if (weights) {
          for (const [i, p] of fused.model.parameters.entries()) {
            assertEqual(`∂${p.name}, fused against unfused`, await device.read(p.gradient), await device.read(plain.parameters[i].gradient), { random });
          }
        }
      }
      fused.model.destroy();
      plain.destroy();
    });
  }
}

test('GraphModel with Winograd fused equals it unfused bit for bit, forward and backward under every rule', async () => {
  const [, graph, n] = CASES[0];
  const input = random.uniformArray(n * 3 * 20 * 24);
  const fused = GraphModel.create(gpu, graph, { winograd: true });
  const plain = GraphModel.create(gpu, graph, { winograd: true, fuse: false });
  await fused.forward(input, n);
  await plain.forward(input, n);
  assertEqual('logits', await gpu.read(fused.logits), await gpu.read(plain.logits), { random });
  const dLogits = random.uniformArray(n * 10);
  for (const rule of RELU_RULES) {
    await fused.backward(dLogits, rule);
    await plain.backward(dLogits, rule);
    assertEqual(`∂input (${rule})`, await gpu.read(fused.inputGradient), await gpu.read(plain.inputGradient), { random });
  }
  fused.destroy();
  plain.destroy();
});

test('GraphModel fused equals it unfused bit for bit in a backward pass with weights that stops at downTo, at a conv and at a ReLU', async () => {
  const [, graph, n] = CASES[0];
  const input = random.uniformArray(n * 3 * 20 * 24);
  const dLogits = random.uniformArray(n * 10);
  // features.3 is the second conv, features.4 its ReLU: stopping at the conv, the ReLU above it fuses into
  // the next conv's backward; stopping at the ReLU, its input gets no gradient and it does not.
  for (const stop of ['features.3', 'features.4']) {
    const downTo = graph.nodes.findIndex((node) => node.name === stop);
    const fused = GraphModel.create(gpu, graph);
    const plain = GraphModel.create(gpu, graph, { fuse: false });
    for (const model of [fused, plain]) {
      await model.forward(input, n);
      for (const p of model.parameters) gpu.poison(p.gradient);
      await model.backward(dLogits, 'gradient', { weights: true, downTo });
    }
    // vggGraph's node i is features.i; the parameters below downTo keep their poison in both.
    const above = (name: string) => name.startsWith('classifier') || Number(name.split('.')[1]) >= downTo;
    let compared = 0;
    for (const [i, p] of fused.parameters.entries()) {
      if (!above(p.name)) continue;
      const got = await gpu.read(p.gradient);
      assert.ok(got.every(Number.isFinite), `${p.name}, at or above downTo, got its gradient`);
      assertEqual(`∂${p.name} with downTo at ${stop}`, got, await gpu.read(plain.parameters[i].gradient), { random });
      compared++;
    }
    assert.ok(compared >= 4 && compared < fused.parameters.length, `${compared} of ${fused.parameters.length} parameters compared`);
    fused.destroy();
    plain.destroy();
  }
});

test('GraphModel forward-only and fused gives the logits of the full unfused model bit for bit', async () => {
  for (const [, graph, n] of CASES) {
    const input = random.uniformArray(n * tensorSize(graphShapes(graph).shapes.get(graph.input)!));
    const light = GraphModel.create(gpu, graph, { forwardOnly: true });
    const plain = GraphModel.create(gpu, graph, { fuse: false });
    await light.forward(input, n);
    await plain.forward(input, n);
    assertEqual('logits', await gpu.read(light.logits), await gpu.read(plain.logits), { random });
    light.destroy();
    plain.destroy();
  }
});

test('GraphModel refuses to read what fusion did not write, and writes it for the nodes named to keep', async () => {
  const [, graph, n] = CASES[0];
  // vggGraph names the first conv features.0, its ReLU features.1; the second conv features.3.
  const input = random.uniformArray(n * 3 * 20 * 24);
  const model = GraphModel.create(gpu, graph);
  await model.forward(input, n);
  assertThrowsWith(() => model.activation('features.0'), Error, /"features.0"'s output was fused into the ReLU after it and not written; keep\(\['features.0'\]\)/);
  const dLogits = random.uniformArray(n * 10);
  await model.backward(dLogits, 'guided');
  assertThrowsWith(() => model.activationGradient('features.1'), Error, /the ReLU "features.1"'s rule was fused into the node above it/);
  assertThrowsWith(() => model.keep(['features.99']), RangeError, /no node "features.99"/);
  // Neither buffer was written before (they hold zeros).
  model.keep(['features.0', 'features.1']);
  await model.forward(input, n);
  await model.backward(dLogits, 'guided');
  const expected = referenceGraphForward(graph, input, n);
  const reference = referenceGraphBackward(graph, expected, dLogits, 'guided');
  const node = (name: string) => graph.nodes.find((node) => node.name === name)!;
  assertClose('features.0 output', await gpu.read(model.activation('features.0')), expected.tensors.get(node('features.0').output)!, { random });
  assertClose('∂features.1', await gpu.read(model.activationGradient('features.1')), reference.gradients.get(node('features.1').output)!, { random });
  assertClose('∂input', await gpu.read(model.inputGradient), reference.dInput, { random });
  // The other convs stay fused.
  assertThrowsWith(() => model.activation('features.3'), Error, /fused into the ReLU after it/);
  model.destroy();
});

test.run();
