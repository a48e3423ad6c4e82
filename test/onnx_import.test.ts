import onnxProto from 'onnx-proto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Graph } from '../src/graph/mod.ts';
import { foldBatchNorm, IMAGENET_LABELS, onnxToGraph } from '../src/model/mod.ts';
import { referenceGraphBackward, referenceGraphForward } from '../src/reference/mod.ts';
import { Random } from '../src/random/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { float, int, ints, OnnxBuilder, resnetOnnx, vggOnnx } from './support/onnx_builder.ts';
import { runOnnxRuntime } from './support/onnx_runtime.ts';
import { testRandom } from './support/seed.ts';

const { onnx } = onnxProto;
const random = testRandom('onnx_import');

/** n random images for a graph's input, as ONNX Runtime and the reference both take them. */
function images(graph: Graph, n: number): Float32Array {
  const { channels, height, width } = graph.info.input;
  return random.uniformArray(n * channels * height * width, -2, 2);
}

/** ONNX Runtime's logits and the reference graph's on the same images, within 1e-4 relative. */
async function checkAgainstOnnxRuntime(name: string, bytes: Uint8Array, n: number, graph = onnxToGraph(bytes).graph): Promise<Graph> {
  const input = images(graph, n);
  const { channels, height, width } = graph.info.input;
  const expected = await runOnnxRuntime(bytes, input, [n, channels, height, width]);
  const actual = referenceGraphForward(graph, input, n).logits;
  assert.is(actual.length, n * graph.info.labels.length, `${name}: logits for ${n} images`);
  assertClose(name, actual, expected, { rel: 1e-4, random });
  return graph;
}

/** Asserts a refusal: a one-line RangeError matching `pattern`. */
function assertRefused(bytes: Uint8Array, pattern: RegExp): void {
  try {
    onnxToGraph(bytes);
  } catch (error) {
    assert.instance(error, RangeError);
    const message = (error as Error).message;
    assert.match(message, pattern);
    assert.not.match(message, /\n/, `one line: ${message}`);
    assert.match(message, /^onnx: /);
    return;
  }
  assert.unreachable(`expected a refusal matching ${pattern}`);
}

test('a ResNet-shaped model (basic blocks, 3 channels, 37×29, symbolic batch) gives ONNX Runtime\'s logits', async () => {
  const bytes = resnetOnnx(random, { channels: 3, height: 37, width: 29, classes: 10, block: 'basic' });
  const graph = await checkAgainstOnnxRuntime('resnet basic', bytes, 2);
  const kinds = graph.nodes.map((node) => node.op.kind);
  assert.not.ok(kinds.includes('batchnorm'), 'every batch norm follows a conv and is folded');
  assert.is(kinds.filter((k) => k === 'add').length, 2);
  assert.is(kinds.filter((k) => k === 'conv').length, 1 + 2 + 3);
  assert.equal(graph.info.input, { channels: 3, height: 37, width: 29 });
});

test('a ResNet-shaped model (bottleneck blocks, 1 channel, 33×41, batch fixed at 1) gives ONNX Runtime\'s logits', async () => {
  const bytes = resnetOnnx(random, { channels: 1, height: 33, width: 41, classes: 7, block: 'bottleneck', widths: [8, 4, 6], batch: 1 });
  await checkAgainstOnnxRuntime('resnet bottleneck', bytes, 1);
});

test('a VGG-shaped model (AveragePool, Dropout, Identity, MatMul + Add, Gemm) gives ONNX Runtime\'s logits', async () => {
  const bytes = vggOnnx(random, { channels: 3, height: 23, width: 19, classes: 6 });
  const graph = await checkAgainstOnnxRuntime('vgg', bytes, 3);
  assert.equal(
    graph.nodes.map((node) => node.op.kind),
    ['conv', 'relu', 'maxpool', 'conv', 'relu', 'maxpool', 'avgpool', 'flatten', 'linear', 'relu', 'linear', 'relu', 'linear'],
  );
});

test('FP16 initializers load as the float16 values a FLOAT model rounded to them holds, and give its logits', async () => {
  const seed = random.nextUint32();
  const layout = { channels: 3, height: 21, width: 17, classes: 5, block: 'basic' } as const;
  const half = onnxToGraph(resnetOnnx(new Random(seed), { ...layout, float16: true })).graph;
  const rounded = resnetOnnx(new Random(seed), { ...layout, halfValues: true });
  const full = await checkAgainstOnnxRuntime('fp16 values', rounded, 2);
  assert.equal([...half.weights.keys()], [...full.weights.keys()]);
  for (const [name, values] of full.weights) assert.equal(half.weights.get(name), values, name);
});

test('FLOAT initializers in float_data load as raw_data ones do', async () => {
  const bytes = resnetOnnx(random, { channels: 3, height: 19, width: 19, classes: 4, block: 'basic', floatData: true });
  await checkAgainstOnnxRuntime('float_data', bytes, 1);
});

test('batch norm folded into its conv gives the unfolded logits and input gradients under every rule', () => {
  const bytes = resnetOnnx(random, { channels: 3, height: 25, width: 23, classes: 6, block: 'bottleneck', widths: [6, 3, 4] });
  const folded = onnxToGraph(bytes).graph;
  const unfolded = onnxToGraph(bytes, {}, { foldBatchNorm: false }).graph;
  const count = (g: Graph, kind: string) => g.nodes.filter((node) => node.op.kind === kind).length;
  assert.is(count(folded, 'batchnorm'), 0);
  assert.is(count(unfolded, 'batchnorm'), count(unfolded, 'conv'));
  assert.is(folded.weights.size < unfolded.weights.size, true, 'the scale and shift tensors are gone');
  const n = 2;
  const input = images(folded, n);
  const a = referenceGraphForward(folded, input, n);
  const b = referenceGraphForward(unfolded, input, n);
  assertClose('logits', a.logits, b.logits, { rel: 1e-6, random });
  const dLogits = Float64Array.from(a.logits, () => random.uniform(-1, 1));
  for (const rule of RELU_RULES) {
    assertClose(`dInput (${rule})`, referenceGraphBackward(folded, a, dLogits, rule).dInput, referenceGraphBackward(unfolded, b, dLogits, rule).dInput, { rel: 1e-6, random });
  }
});

test('a batch norm that follows no conv stays a batchnorm node and gives ONNX Runtime\'s logits', async () => {
  const b = new OnnxBuilder(random);
  let x = b.relu(b.conv('input', 2, 4, 3, 1, [1, 1, 1, 1], true));
  x = b.batchNorm(x, 4, 1e-3); // after the relu: nothing to fold into
  const shared = b.conv(x, 4, 4, 1, 1, [0, 0, 0, 0]);
  const bn = b.batchNorm(shared, 4); // its conv's output also feeds the add: not folded either
  x = b.node('Add', [bn, shared]);
  x = b.node('GlobalAveragePool', [x]);
  x = b.node('Flatten', [x]);
  x = b.gemm(x, 4, 3);
  const bytes = b.model(x, { input: ['n', 2, 9, 7], output: ['n', 3] });
  const graph = await checkAgainstOnnxRuntime('standalone bn', bytes, 2);
  assert.is(graph.nodes.filter((node) => node.op.kind === 'batchnorm').length, 2);
});

test('Gemm with transB 0, alpha and beta, and Reshape to (n, −1) in each accepted form give ONNX Runtime\'s logits', async () => {
  for (const [shape, n, constantNode] of [[[0, -1], 2, true], [[-1, 4 * 5 * 3], 2, false], [[1, -1], 1, true], [[0, 60], 2, false]] as const) {
    const b = new OnnxBuilder(random);
    let x = b.conv('input', 3, 4, 3, 2, [0, 1, 1, 0], true);
    let target: string;
    if (constantNode) {
      target = b.node('Constant', [], [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims: [2], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...shape] } }]);
    } else {
      target = b.int64('shape', [...shape]);
    }
    x = b.node('Reshape', [x, target]);
    x = b.gemm(x, 60, 5, { transB: 0, alpha: 0.5, beta: 2 });
    const bytes = b.model(x, { input: ['n', 3, 10, 7], output: ['n', 5] });
    await checkAgainstOnnxRuntime(`reshape (${shape.join(', ')})`, bytes, n);
  }
});

test('metadata gives the input size, normalisation and labels; without it each default is one note', () => {
  const labels = ['cat', 'dog', 'emu', 'fox'];
  const meta = { input: { channels: 3, height: 19, width: 17 }, normalize: { mean: [0.1, 0.2, 0.3], std: [0.4, 0.5, 0.6] }, labels };
  const withMeta = onnxToGraph(resnetOnnx(random, { channels: 3, height: 19, width: 17, classes: 4, block: 'basic', metadata: meta }));
  assert.equal(withMeta.graph.info, meta);
  assert.equal(withMeta.notes, []);

  const bare = onnxToGraph(resnetOnnx(random, { channels: 3, height: 19, width: 17, classes: 1000, block: 'basic', widths: [4, 4, 4] }));
  assert.equal(bare.graph.info.labels, IMAGENET_LABELS);
  assert.equal(bare.graph.info.normalize, { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  assert.is(bare.notes.length, 3);
  for (const note of bare.notes) assert.not.match(note, /\n/);
  assert.match(bare.notes.join('|'), /3×19×17 from the graph's input.*ImageNet's \(mean 0\.485.*ImageNet's labels/);

  const grey = onnxToGraph(resnetOnnx(random, { channels: 1, height: 15, width: 15, classes: 3, block: 'basic' }));
  assert.equal(grey.graph.info.labels, ['class 0', 'class 1', 'class 2']);
  assert.equal(grey.graph.info.normalize, { mean: [0], std: [1] });

  const overridden = onnxToGraph(resnetOnnx(random, { channels: 1, height: 15, width: 15, classes: 2, block: 'basic', metadata: { labels: ['a', 'b'] } }), {
    mean: [0.5],
    std: [0.25],
    labels: ['yes', 'no'],
  });
  assert.equal(overridden.graph.info.normalize, { mean: [0.5], std: [0.25] });
  assert.equal(overridden.graph.info.labels, ['yes', 'no']);
  assert.is(overridden.notes.length, 1, 'only the input size is a default');
});

test('a symbolic height and width are read from the metadata, and refused without it', () => {
  const b = new OnnxBuilder(random);
  const x = b.gemm(b.node('Flatten', [b.node('GlobalAveragePool', [b.conv('input', 3, 4, 3, 1, [1, 1, 1, 1])])]), 4, 2);
  const dims = ['n', 3, 'h', 'w'];
  const meta = { input: { channels: 3, height: 12, width: 14 } };
  const { graph } = onnxToGraph(b.model(x, { input: dims, output: ['n', 2], metadata: meta }));
  assert.equal(graph.info.input, meta.input);
  assertRefused(b.model(x, { input: dims, output: ['n', 2] }), /input "input" has a symbolic height and no "deepinside" metadata gives it/);
  assertRefused(b.model(x, { input: ['n', 3, 12, 13], output: ['n', 2], metadata: meta }), /says input.width is 14 but the graph's input has 13/);
  assertRefused(b.model(x, { input: ['n', 'c', 12, 14], output: ['n', 2] }), /symbolic channel count; only the batch dimension may be symbolic/);
});

test('bad metadata and overrides are refused in one line naming the field', () => {
  const model = (metadata: unknown) => resnetOnnx(random, { channels: 3, height: 15, width: 15, classes: 2, block: 'basic', widths: [4, 4], metadata });
  assertRefused(model('{"input": '), /metadata "deepinside": is not valid JSON/);
  assertRefused(model({ labels: ['one'] }), /1 labels given but the model has 2 outputs/);
  assertRefused(model({ normalize: { mean: [0, 0, 0], std: [1, 0, 1] } }), /normalize.std\[1\] is 0; it must be > 0/);
  assertRefused(model({ normalise: {} }), /unknown key "normalise"/);
  assertRefused(model({ normalize: { mean: [0], std: [1] } }), /the mean has 1 values but the model's input has 3 channels/);
  assert.throws(() => onnxToGraph(model(undefined), { labels: ['a', 'b', 'c'] }), /3 labels given but the model has 2 outputs/);
});

/** A one-conv model whose Conv gets extra attributes, or a node of another kind after it. */
function oneConv(attributes: ReturnType<typeof int>[] = [], extra?: (b: OnnxBuilder, x: string) => string, input: (number | string)[] = ['n', 2, 9, 9]): Uint8Array {
  const b = new OnnxBuilder(random);
  const w = b.weight('w', [4, 2, 3, 3], b.uniform(72, 0.3));
  let x = b.node('Conv', ['input', w], attributes, 1, 'the_conv');
  if (extra) x = extra(b, x);
  x = b.gemm(b.node('Flatten', [b.node('GlobalAveragePool', [x])]), 4, 2);
  return b.model(x, { input, output: ['n', 2] });
}

test('unsupported operators and attribute values are refused in one line naming the node, the operator and what is supported', () => {
  assertRefused(oneConv([], (b, x) => b.node('Sigmoid', [x], [], 1, 'act')), /node "act" \(Sigmoid\): operator Sigmoid is not supported; deepinside runs Conv, BatchNormalization, .*Dropout/);
  assertRefused(oneConv([int('group', 2)]), /node "the_conv" \(Conv\): group 2 is not supported; deepinside runs group 1/);
  assertRefused(oneConv([ints('dilations', [2, 2])]), /node "the_conv" \(Conv\): dilations \(2, 2\) are not supported; deepinside runs dilation 1/);
  assertRefused(oneConv([ints('strides', [1, 2])]), /node "the_conv" \(Conv\): strides \(1, 2\) are not supported; deepinside runs one positive stride/);
  assertRefused(oneConv([{ name: 'auto_pad', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('SAME_UPPER') }]), /auto_pad SAME_UPPER is not supported/);
  assertRefused(oneConv([], (b, x) => b.node('MaxPool', [x], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2]), int('ceil_mode', 1)], 1, 'pool')), /node "pool" \(MaxPool\): ceil_mode 1 is not supported; deepinside runs ceil_mode 0/);
  assertRefused(oneConv([], (b, x) => b.node('MaxPool', [x], [ints('kernel_shape', [3, 2])], 1, 'pool')), /node "pool" \(MaxPool\): a 3×2 window is not supported; deepinside runs square windows/);
  assertRefused(oneConv([], (b, x) => b.node('Relu', [x], [float('alpha', 0.1)], 1, 'act')), /node "act" \(Relu\): attribute "alpha" is not supported/);
  assertRefused(oneConv([], (b, x) => b.node('BatchNormalization', [x, ...['g', 'b', 'm', 'v'].map((p) => b.weight(p, [4], [1, 1, 1, 1]))], [int('training_mode', 1)], 1, 'bn')), /node "bn" \(BatchNormalization\): training_mode 1 is not supported/);
  assertRefused(oneConv([], (b, x) => b.node('Add', [x, b.weight('c', [4, 1, 1], [1, 2, 3, 4])], [], 1, 'plus')), /node "plus" \(Add\): adding a constant is supported only as the bias right after a MatMul/);
  assertRefused(oneConv([], (b, x) => b.node('Add', [x, b.node('MaxPool', [x], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])])], [], 1, 'plus')), /node "plus" \(Add\): adds \(n, 4, 7, 7\) to \(n, 4, 3, 3\); deepinside adds tensors of one shape/);
  assertRefused(oneConv([], (b, x) => b.node('Reshape', [x, b.node('Shape', [x])], [], 1, 'view')), /node "Shape_\d+" \(Shape\): operator Shape is not supported/);
  assertRefused(oneConv([], (b, x) => b.node('Flatten', [x], [int('axis', 2)], 1, 'flat')), /node "flat" \(Flatten\): axis 2 is not supported; deepinside flattens at axis 1/);
  assertRefused(oneConv([], (b, x) => { const n = b.node('Sigmoid', [x]); b.nodes[b.nodes.length - 1].domain = 'com.microsoft'; return n; }), /domain "com.microsoft" is not supported/);
});

test('a graph whose output is not flat logits, or with two inputs, is refused', () => {
  const b = new OnnxBuilder(random);
  const x = b.conv('input', 2, 3, 1, 1, [0, 0, 0, 0]);
  assertRefused(b.model(x, { input: ['n', 2, 4, 4], output: ['n', 3, 4, 4] }), /output "conv_\d+" is \(n, 3, 4, 4\); deepinside needs flat logits/);
  const c = new OnnxBuilder(random);
  const y = c.node('Add', ['input', 'other']);
  const proto = onnx.ModelProto.decode(c.model(c.node('Flatten', [y]), { input: ['n', 1, 2, 2], output: ['n', 4] }));
  const graph = proto.graph as InstanceType<typeof onnx.GraphProto>;
  graph.input.push({ name: 'other', type: graph.input[0].type });
  assertRefused(onnx.ModelProto.encode(proto).finish(), /the graph has 2 inputs \("input", "other"\); deepinside needs one image input/);
});

test('weights stored as external data are refused with how to re-export them inline', () => {
  const proto = onnx.ModelProto.decode(oneConv());
  const weight = (proto.graph as InstanceType<typeof onnx.GraphProto>).initializer[0] as InstanceType<typeof onnx.TensorProto>;
  weight.rawData = new Uint8Array(0);
  weight.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  weight.externalData = [{ key: 'location', value: 'model.onnx.data' }, { key: 'offset', value: '0' }];
  assertRefused(onnx.ModelProto.encode(proto).finish(), /is stored as external data \(in "model.onnx.data"\).*save_as_external_data=False/);
});

test('truncated, corrupt and random bytes, a raw_data shorter than its dims, and opset 9 are refused in one line', () => {
  const bytes = oneConv();
  for (const cut of [1, 7, Math.floor(bytes.length / 2), bytes.length - 3]) {
    assertRefused(bytes.subarray(0, cut), /truncated|not an ONNX model|corrupt|no graph/);
  }
  for (let i = 0; i < 20; i++) {
    const noise = Uint8Array.from({ length: 64 + random.int(2000) }, () => random.int(256));
    assertRefused(noise, /./);
  }
  assertRefused(new Uint8Array(0), /the file is empty/);
  const proto = onnx.ModelProto.decode(bytes);
  const weight = (proto.graph as InstanceType<typeof onnx.GraphProto>).initializer[0] as InstanceType<typeof onnx.TensorProto>;
  weight.rawData = weight.rawData.subarray(0, 40);
  assertRefused(onnx.ModelProto.encode(proto).finish(), /has 72 values by its dims \(4, 2, 3, 3\) but raw_data holds 40 bytes, not 288/);
  const huge = onnx.ModelProto.decode(bytes);
  ((huge.graph as InstanceType<typeof onnx.GraphProto>).initializer[0] as InstanceType<typeof onnx.TensorProto>).dims = [1e6, 1e6, 1e6, 3];
  assertRefused(onnx.ModelProto.encode(huge).finish(), /raw_data holds 288 bytes/);
  const old = onnx.ModelProto.decode(bytes);
  old.opsetImport = [{ domain: '', version: 9 }];
  assertRefused(onnx.ModelProto.encode(old).finish(), /opset 9 is not supported; deepinside reads opsets 11 to 17/);
});

test('a node nothing reads is dropped with its weights; a tensor written twice, a Gemm with transA and a Dropout in training are refused', () => {
  const dead = oneConv([], (b, x) => {
    b.conv(x, 4, 5, 1, 1, [0, 0, 0, 0], true); // its output reaches nothing
    return b.relu(x);
  });
  const { graph } = onnxToGraph(dead);
  assert.equal(graph.nodes.map((node) => node.op.kind), ['conv', 'relu', 'globalavgpool', 'flatten', 'linear']);
  assert.is(graph.weights.size, 3, 'the conv weight, the fc weight and its bias');

  const twice = onnx.ModelProto.decode(oneConv([], (b, x) => b.relu(x)));
  const nodes = (twice.graph as InstanceType<typeof onnx.GraphProto>).node;
  nodes[1].output = [(nodes[0].output as string[])[0]];
  assertRefused(onnx.ModelProto.encode(twice).finish(), /its output "conv_\d+" is written twice; the graph is not in SSA form/);

  const b = new OnnxBuilder(random);
  const flat = b.node('Flatten', [b.node('GlobalAveragePool', ['input'])]);
  const w = b.weight('w', [3, 2], b.uniform(6, 1));
  const gemm = b.node('Gemm', [flat, w], [int('transA', 1)], 1, 'fc');
  assertRefused(b.model(gemm, { input: ['n', 3, 4, 4], output: ['n', 2] }), /node "fc" \(Gemm\): transA 1 is not supported/);

  const c = new OnnxBuilder(random);
  const mode = c.name('mode');
  c.initializers.push({ name: mode, dims: [], dataType: onnx.TensorProto.DataType.BOOL, rawData: new Uint8Array([1]) });
  const ratio = c.weight('ratio', [], [0.5]);
  const drop = c.node('Dropout', [c.node('Flatten', [c.node('GlobalAveragePool', ['input'])]), ratio, mode], [], 1, 'drop');
  assertRefused(c.model(drop, { input: ['n', 3, 4, 4], output: ['n', 3] }), /node "drop" \(Dropout\): training_mode must be a constant false/);
});

test('Dropout with training_mode false, Identity chains and an output behind an Identity load as the graph without them', async () => {
  const b = new OnnxBuilder(random);
  const mode = b.name('mode');
  b.initializers.push({ name: mode, dims: [], dataType: onnx.TensorProto.DataType.BOOL, rawData: new Uint8Array([0]) });
  let x = b.node('Identity', [b.node('Identity', [b.conv('input', 3, 4, 3, 1, [1, 1, 1, 1], true)])]);
  x = b.node('Flatten', [b.node('GlobalAveragePool', [b.relu(x)])]);
  x = b.node('Dropout', [x, b.weight('ratio', [], [0.1]), mode]);
  x = b.node('Identity', [b.gemm(x, 4, 3)]);
  const bytes = b.model(x, { input: ['n', 3, 7, 6], output: ['n', 3] });
  const graph = await checkAgainstOnnxRuntime('identities', bytes, 2);
  assert.equal(graph.nodes.map((node) => node.op.kind), ['conv', 'relu', 'globalavgpool', 'flatten', 'linear']);
  assert.is(graph.output, graph.nodes[4].output);
});

test('foldBatchNorm folds each of two convs that share one weight by its own batch norm, leaving the shared tensor untouched', () => {
  const w = random.uniformArray(4 * 2 * 9, -0.5, 0.5);
  const weights = new Map<string, Float32Array>([
    ['w', w],
    ['s1', random.uniformArray(4, 0.5, 1.5)],
    ['t1', random.uniformArray(4, -0.2, 0.2)],
    ['s2', random.uniformArray(4, 0.5, 1.5)],
    ['t2', random.uniformArray(4, -0.2, 0.2)],
    ['fc', random.uniformArray(3 * 4, -0.5, 0.5)],
  ]);
  const conv = { kind: 'conv', weight: 'w', size: 3, stride: 1, pads: [1, 1, 1, 1] } as const;
  const graph: Graph = {
    info: { input: { channels: 2, height: 5, width: 4 }, normalize: { mean: [0, 0], std: [1, 1] }, labels: ['a', 'b', 'c'] },
    input: 'x',
    output: 'logits',
    weights,
    nodes: [
      { name: 'c1', op: conv, inputs: ['x'], output: 'y1' },
      { name: 'bn1', op: { kind: 'batchnorm', scale: 's1', shift: 't1' }, inputs: ['y1'], output: 'z1' },
      { name: 'c2', op: conv, inputs: ['x'], output: 'y2' },
      { name: 'bn2', op: { kind: 'batchnorm', scale: 's2', shift: 't2' }, inputs: ['y2'], output: 'z2' },
      { name: 'sum', op: { kind: 'add' }, inputs: ['z1', 'z2'], output: 'z' },
      { name: 'gap', op: { kind: 'globalavgpool' }, inputs: ['z'], output: 'g' },
      { name: 'flat', op: { kind: 'flatten' }, inputs: ['g'], output: 'f' },
      { name: 'fc', op: { kind: 'linear', weight: 'fc' }, inputs: ['f'], output: 'logits' },
    ],
  };
  const before = Float32Array.from(w);
  const folded = foldBatchNorm(graph);
  assert.equal(folded.nodes.map((node) => node.name), ['c1', 'c2', 'sum', 'gap', 'flat', 'fc']);
  assert.equal(w, before, 'the shared weight is not written');
  assert.not.ok(folded.weights.has('w'), 'no node names the shared weight any more');
  assert.equal([...folded.weights.keys()].sort(), ['c1.folded_bias', 'c1.folded_weight', 'c2.folded_bias', 'c2.folded_weight', 'fc']);
  const input = random.uniformArray(2 * 2 * 5 * 4, -1, 1);
  assertClose('logits', referenceGraphForward(folded, input, 2).logits, referenceGraphForward(graph, input, 2).logits, { rel: 1e-6, random });
});

test('an Identity of an initializer (how torch.onnx.export shares equal weights) reads as that initializer, each node under its own name', async () => {
  const b = new OnnxBuilder(random);
  const bias = b.weight('bias', [4], b.uniform(4, 0.1));
  const shared = b.node('Identity', [bias]);
  const w1 = b.weight('w1', [4, 3, 3, 3], b.uniform(108, 0.3));
  const w2 = b.weight('w2', [4, 4, 1, 1], b.uniform(16, 0.5));
  let x = b.relu(b.node('Conv', ['input', w1, bias], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]));
  x = b.node('Conv', [x, w2, shared], [ints('kernel_shape', [1, 1])]);
  x = b.gemm(b.node('Flatten', [b.node('GlobalAveragePool', [x])]), 4, 2);
  const graph = await checkAgainstOnnxRuntime('shared bias', b.model(x, { input: ['n', 3, 6, 5], output: ['n', 2] }), 2);
  const [first, second] = graph.nodes.filter((node) => node.op.kind === 'conv').map((node) => (node.op as { bias: string }).bias);
  assert.is(first, bias);
  assert.is.not(second, bias, 'the executor owns one buffer per node and weight name');
  assert.is(graph.weights.get(second), graph.weights.get(first), 'the values are shared, not copied');
});

test.run();
