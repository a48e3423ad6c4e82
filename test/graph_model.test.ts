import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatBytes, Gpu } from '../src/gpu/mod.ts';
import { type Graph, GraphModel, graphShapes, type GraphNode, tensorSize } from '../src/graph/mod.ts';
import { IMAGENET_LABELS, RESNET_DEPTHS, resnetGraph } from '../src/model/mod.ts';
import { conv2dBackwardInput, conv2dForward, linearForward, referenceGraphBackward, referenceGraphForward } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith, assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('graph_model');

const labels = (k: number) => Array.from({ length: k }, (_, i) => `class ${i}`);

/**
 * Miniature ResNets: the 7×7/2 p3 stem, the 3×3/2 p1 max-pool, blocks whose input feeds both the branch
 * and the add (identity shortcuts) or a 1×1/2 projection, global pooling and fc, on odd input sizes with
 * 1 and 3 channels; batch norm as nodes of its own, or folded into the convs.
 */
/**
 * The other ops: average pooling with uneven padding that does not count, a standalone batch norm,
 * torchvision's adaptive pool, a flatten whose input also feeds a global pool (so their gradients are
 * summed) and whose output feeds two nodes, and adds of flat tensors. Input 2×9×8.
 */
function poolsGraph(): Graph {
  const w = (name: string, length: number): [string, Float32Array] => [name, random.uniformArray(length)];
  const node = (name: string, op: GraphNode['op'], inputs: string[]): GraphNode => ({ name, op, inputs, output: name });
  return {
    info: { input: { channels: 2, height: 9, width: 8 }, normalize: { mean: [0, 0], std: [1, 1] }, labels: labels(5) },
    input: 'x',
    output: 'out',
    nodes: [
      node('c1', { kind: 'conv', weight: 'c1.w', bias: 'c1.b', size: 3, stride: 1, pads: [1, 1, 1, 1] }, ['x']),
      node('r1', { kind: 'relu' }, ['c1']),
      // (9 + 1 + 1 − 3)/2 + 1 = 5 rows, (8 + 0 + 1 − 3)/2 + 1 = 4 columns.
      node('ap', { kind: 'avgpool', size: 3, stride: 2, pads: [1, 0, 1, 1], countIncludePad: false }, ['r1']),
      node('bn', { kind: 'batchnorm', scale: 'bn.s', shift: 'bn.t' }, ['ap']),
      node('aap', { kind: 'adaptiveavgpool', outHeight: 2, outWidth: 3 }, ['bn']),
      node('fl', { kind: 'flatten' }, ['aap']),
      node('gap', { kind: 'globalavgpool' }, ['aap']),
      node('fl2', { kind: 'flatten' }, ['gap']),
      node('fc1', { kind: 'linear', weight: 'fc1.w', bias: 'fc1.b' }, ['fl']),
      node('r2', { kind: 'relu' }, ['fl']),
      node('fc2', { kind: 'linear', weight: 'fc2.w' }, ['r2']),
      node('fc3', { kind: 'linear', weight: 'fc3.w', bias: 'fc3.b' }, ['fl2']),
      node('sum', { kind: 'add' }, ['fc1', 'fc2']),
      node('out', { kind: 'add' }, ['sum', 'fc3']),
    ],
    weights: new Map([
      w('c1.w', 4 * 2 * 9), w('c1.b', 4), w('bn.s', 4), w('bn.t', 4), w('fc1.w', 5 * 24), w('fc1.b', 5), w('fc2.w', 5 * 24), w('fc3.w', 5 * 4), w('fc3.b', 5),
    ]),
  };
}

// The relative error (of the whole tensor) allowed for the gradients: 1e-4, but 2e-4 for the bottleneck
// ResNet, 16 convs deep in float32, where seed 4113401492 left ∂input under the deconvnet rule at 1.18e-4
// with every element within its own tolerance (the code of ddb19cc fails that seed the same way).
const CASES: Array<[string, Graph, number, number?]> = [
  ['a graph of average, adaptive and global pools, batch norm, flat adds and a shared flatten, batch 3', poolsGraph(), 3],
  [
    'a basic-block ResNet (2 stages) with batch-norm nodes on 3×13×11, batch 2',
    resnetGraph({ blocks: [2, 1], bottleneck: false, width: 4, input: { channels: 3, height: 13, width: 11 }, labels: labels(5), batchNorm: 'nodes' }, random),
    2,
  ],
  [
    'a bottleneck ResNet (3 stages) with folded batch norm on 1×19×17, batch 3',
    resnetGraph({ blocks: [1, 2, 1], bottleneck: true, width: 2, input: { channels: 1, height: 19, width: 17 }, labels: labels(4) }, random),
    3,
    2e-4,
  ],
];

for (const [name, graph, n, gradientRel = 1e-4] of CASES) {
  const { shapes } = graphShapes(graph);
  const largest = Math.max(...[...shapes.values()].map(tensorSize), ...[...graph.weights.values()].map((w) => w.length));
  // A binding limit just above one image's largest tensor (or weight, bound whole) makes every batch span several windows.
  const limit = largest * 4 + 256;
  const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: limit });
  for (const [where, device] of [['', gpu], [`, bound in ${formatBytes(limit)} slices`, sliced]] as const) {
    test(`GraphModel of ${name}${where} matches the reference graph: logits, and gradients under every rule at the input and where a tensor feeds two nodes`, async () => {
      const input = random.uniformArray(n * tensorSize(shapes.get(graph.input)!));
      const model = GraphModel.create(device, graph);
      const expected = referenceGraphForward(graph, input, n);
      await model.forward(input, n);
      assertClose('logits', await device.read(model.logits), expected.logits, { random });
      for (const node of graph.nodes.filter((node) => node.op.kind === 'add')) {
        assertClose(`${node.name} output`, await device.read(model.activation(node.name)), expected.tensors.get(node.output)!, { random });
      }
      // Tensors read by two nodes: a block's input (its branch and its shortcut).
      const shared = graph.nodes.filter((node) => graph.nodes.filter((other) => other.inputs.includes(node.output)).length > 1);
      assert.ok(shared.length >= 2, 'the case has tensors that feed two nodes');
      const dLogits = random.uniformArray(n * graph.info.labels.length);
      // First every gradient in the pool's buffers (the shared ones summed there), then the shared ones kept to be read.
      for (const keep of [false, true]) {
        if (keep) model.keep(shared.map((node) => node.name));
        else assertThrowsWith(() => model.activationGradient(shared[0].name), Error, /was not kept .*keep\(\[/);
        for (const rule of RELU_RULES) {
          const reference = referenceGraphBackward(graph, expected, dLogits, rule);
          device.poison(model.inputGradient);
          if (keep) for (const node of shared) device.poison(model.activationGradient(node.name));
          await model.backward(dLogits, rule);
          assertClose(`∂input (${rule}${keep ? ', shared gradients kept' : ''})`, await device.read(model.inputGradient), reference.dInput, { random, rel: gradientRel });
          if (!keep) continue;
          for (const node of shared) {
            assertClose(`∂${node.name}, the sum of two nodes' gradients (${rule})`, await device.read(model.activationGradient(node.name)), reference.gradients.get(node.output)!, { random, rel: gradientRel });
          }
        }
      }
      model.destroy();
    });
  }
}

test('GraphModel forward-only gives the same logits bit for bit, reusing buffers, and refuses what it did not keep', async () => {
  const [, graph, n] = CASES[1];
  const input = random.uniformArray(n * 3 * 13 * 11);
  const full = GraphModel.create(gpu, graph);
  const light = GraphModel.create(gpu, graph, { forwardOnly: true });
  await full.forward(input, n);
  await light.forward(input, n);
  assert.equal(await gpu.read(light.logits), await gpu.read(full.logits));
  // Run twice: the recycled buffers must not leak one pass into the next.
  await light.forward(random.uniformArray(n * 3 * 13 * 11), n);
  await light.forward(input, n);
  assert.equal(await gpu.read(light.logits), await gpu.read(full.logits));
  assert.equal(await gpu.read(light.input), input);
  await assertRejectsWith(() => light.backward(new Float32Array(n * 5), 'gradient'), Error, /created forward-only/);
  assertThrowsWith(() => light.activation('layer1.0.add'), Error, /forward-only, so "layer1.0.add"'s output was not kept/);
  full.destroy();
  light.destroy();
});

test('GraphModel.backward with downTo gives the nodes above it their gradients and leaves those below, and the input, alone', async () => {
  const [, graph, n] = CASES[1];
  const input = random.uniformArray(n * 3 * 13 * 11);
  const model = GraphModel.create(gpu, graph);
  await model.forward(input, n);
  const dLogits = random.uniformArray(n * 5);
  const reference = referenceGraphBackward(graph, referenceGraphForward(graph, input, n), dLogits, 'guided');
  const downTo = graph.nodes.findIndex((node) => node.name === 'layer2.0.conv1');
  // layer1.1's output feeds layer2.0's branch (the node downTo names) and its projection: it is below
  // downTo, so it gets no gradient, and neither does anything under it.
  const feeding = graph.nodes[downTo].inputs[0];
  assert.is(feeding, 'layer1.1.relu_1');
  model.keep([feeding, 'layer1.0.add', 'layer2.0.conv1', 'layer2.0.downsample.0', 'layer2.0.add', 'avgpool']);
  for (const t of [feeding, 'layer1.0.add']) gpu.poison(model.activationGradient(t));
  gpu.poison(model.inputGradient);
  await model.backward(dLogits, 'guided', { downTo });
  for (const t of ['layer2.0.conv1', 'layer2.0.downsample.0', 'layer2.0.add', 'avgpool']) {
    assertClose(`∂${t}`, await gpu.read(model.activationGradient(t)), reference.gradients.get(t)!, { random });
  }
  for (const t of [feeding, 'layer1.0.add']) assert.ok((await gpu.read(model.activationGradient(t))).every(Number.isNaN), `${t}, below downTo, got a gradient`);
  assert.ok((await gpu.read(model.inputGradient)).every(Number.isNaN), 'the input got a gradient');
  model.destroy();
});

test('GraphModel names its spatial outputs by node and refuses unknown ones', async () => {
  const [, graph] = CASES[1];
  const model = GraphModel.create(gpu, graph);
  const outputs = model.spatialOutputs();
  assert.equal(outputs[0], { name: 'conv1', channels: 4, height: 7, width: 6 });
  assert.equal(outputs.find((o) => o.name === 'maxpool'), { name: 'maxpool', channels: 4, height: 4, width: 3 });
  assert.equal(outputs.at(-1), { name: 'avgpool', channels: 8, height: 1, width: 1 });
  assert.not.ok(outputs.some((o) => o.name === 'flatten' || o.name === 'fc'));
  assertThrowsWith(() => model.activation('conv1'), Error, /run forward first/);
  await model.forward(random.uniformArray(2 * 3 * 13 * 11), 2);
  assertThrowsWith(() => model.activation('layer9'), RangeError, /no node "layer9"; the nodes with spatial outputs are conv1, /);
  model.destroy();
});

// A whole ResNet-101 at 224×224 in float64 would take minutes, so its two ends are checked against the
// reference from the GPU's own intermediate tensors, as vgg16.test.ts does: the stem conv, and the fc.
test('a whole ResNet-101 at 224×224 runs a saliency map within the adapter\'s limits, its ends matching the reference', async () => {
  const graph = resnetGraph({ ...RESNET_DEPTHS[101], input: { channels: 3, height: 224, width: 224 }, labels: IMAGENET_LABELS }, random);
  const { shapes } = graphShapes(graph);
  assert.is(graph.nodes.filter((node) => node.op.kind === 'conv').length, 104);
  assert.ok(Math.max(...[...shapes.values()].map(tensorSize)) * 4 < gpu.limits.maxBindingBytes, 'every tensor fits one binding');
  const model = GraphModel.create(gpu, graph);
  // Its ReLU fused, the stem conv's output would not be written.
  model.keep(['conv1']);
  const input = random.uniformArray(3 * 224 * 224);
  const target = random.int(1000);
  const { logits, gradient } = await model.classScoreGradient(input, 1, [target], 'guided');
  assert.ok(logits.every(Number.isFinite) && gradient.every(Number.isFinite), 'finite logits and gradient');
  assert.ok(gradient.some((g) => g !== 0), 'a gradient that is not all zeros');
  const stem = { n: 1, c: 3, h: 224, w: 224, k: 64, size: 7, pad: 3, stride: 2 };
  const weight = graph.weights.get('conv1.weight')!;
  assertClose('conv1 output', await gpu.read(model.activation('conv1')), conv2dForward(stem, input, weight, graph.weights.get('conv1.bias')!), { random });
  assertClose('∂input', gradient, conv2dBackwardInput(stem, await gpu.read(model.activationGradient('conv1')), weight), { random });
  const pooled = await gpu.read(model.activation('flatten'));
  assertClose('logits', logits, linearForward({ n: 1, inFeatures: 2048, outFeatures: 1000 }, pooled, graph.weights.get('fc.weight')!, graph.weights.get('fc.bias')!), { random });
  model.destroy();
});

/** A one-conv graph to break: input 2×5×5 → conv 3×3 (3 outputs) → flatten → linear (4 classes). */
function small(change: (nodes: GraphNode[], weights: Map<string, Float32Array>) => void = () => undefined): Graph {
  const nodes: GraphNode[] = [
    { name: 'conv', op: { kind: 'conv', weight: 'conv.w', size: 3, stride: 1, pads: [0, 0, 0, 0] }, inputs: ['x'], output: 'c' },
    { name: 'flat', op: { kind: 'flatten' }, inputs: ['c'], output: 'f' },
    { name: 'fc', op: { kind: 'linear', weight: 'fc.w', bias: 'fc.b' }, inputs: ['f'], output: 'y' },
  ];
  const weights = new Map([['conv.w', new Float32Array(3 * 2 * 9)], ['fc.w', new Float32Array(4 * 27)], ['fc.b', new Float32Array(4)]]);
  change(nodes, weights);
  return { info: { input: { channels: 2, height: 5, width: 5 }, normalize: { mean: [0, 0], std: [1, 1] }, labels: labels(4) }, input: 'x', output: 'y', nodes, weights };
}

test('graphShapes resolves a small graph and refuses inconsistent ones, naming the node', () => {
  assert.equal([...graphShapes(small()).shapes], [['x', [2, 5, 5]], ['c', [3, 3, 3]], ['f', [27]], ['y', [4]]]);
  const refusals: Array<[string, (nodes: GraphNode[], weights: Map<string, Float32Array>) => void, RegExp]> = [
    ['a missing tensor', (nodes) => (nodes[1] = { ...nodes[1], inputs: ['nothing'] }), /node "flat" \(flatten\) reads "nothing", which no earlier node writes/],
    ['a weight of the wrong length', (_, weights) => weights.set('conv.w', new Float32Array(50)), /node "conv" \(conv\): weight "conv.w" has 50 values, not K × 2×3×3/],
    ['a missing weight', (_, weights) => weights.delete('fc.b'), /node "fc" \(linear\): no weight "fc.b"/],
    ['a linear on a spatial tensor', (nodes) => nodes.splice(1, 1, { ...nodes[1], op: { kind: 'relu' } }), /node "fc" \(linear\) needs a flat input, but "f" is 3×3×3/],
    ['a window larger than its input', (nodes) => {
      nodes[0] = { ...nodes[0], inputs: ['p'] };
      nodes.unshift({ name: 'pool', op: { kind: 'maxpool', size: 2, stride: 3, pads: [0, 0, 0, 0] }, inputs: ['x'], output: 'p' });
    }, /node "conv" \(conv\) leaves no output \(3×0×0\) from a 2×2×2 input/],
    ['an add of two shapes', (nodes) => nodes.splice(1, 0, { name: 'sum', op: { kind: 'add' }, inputs: ['c', 'x'], output: 's' }), /node "sum" \(add\) adds "c" \(3×3×3\) and "x" \(2×5×5\); they must have one shape/],
    ['two nodes of one name', (nodes) => (nodes[1] = { ...nodes[1], name: 'conv' }), /two nodes are named "conv"/],
    ['logits of the wrong width', (_, weights) => { weights.set('fc.w', new Float32Array(5 * 27)); weights.set('fc.b', new Float32Array(5)); }, /output "y" is 5 per image but the model has 4 labels/],
    ['pads as large as the kernel', (nodes) => (nodes[0] = { ...nodes[0], op: { kind: 'conv', weight: 'conv.w', size: 3, stride: 1, pads: [3, 0, 0, 0] } }), /pads \(3, 0, 0, 0\) must be four whole numbers in \[0, 2\]/],
  ];
  for (const [what, change, pattern] of refusals) {
    try {
      graphShapes(small(change));
      assert.unreachable(`${what} was accepted`);
    } catch (error) {
      assert.instance(error, RangeError, what);
      assert.match((error as Error).message, pattern, what);
    }
  }
});

test('GraphModel refuses a weight shared by two nodes and a graph that reads its logits', () => {
  const shared = small((nodes, weights) => {
    weights.set('c2.w', new Float32Array(3 * 3 * 9));
    nodes.splice(1, 0, { name: 'conv2', op: { kind: 'conv', weight: 'conv.w', size: 3, stride: 1, pads: [1, 1, 1, 1] }, inputs: ['x'], output: 'c2' });
  });
  assertThrowsWith(() => GraphModel.create(gpu, shared), RangeError, /weight "conv.w" is used by nodes "conv" and "conv2"/);
  const reading = small((nodes) => nodes.push({ name: 'after', op: { kind: 'relu' }, inputs: ['y'], output: 'z' }));
  assertThrowsWith(() => GraphModel.create(gpu, reading), RangeError, /node "after" reads the logits "y"; nothing may/);
});

test.run();
