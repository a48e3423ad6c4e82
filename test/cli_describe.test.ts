import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeCommand } from '../src/cli/mod.ts';
import { describeGraph, type Graph } from '../src/graph/mod.ts';
import { onnxToGraph, vggGraph, vggLayers, vggPreset, vggTensorShapes } from '../src/model/mod.ts';
import { runCommand, temporaryFolder } from './support/cli_fixture.ts';
import { resnetOnnx } from './support/onnx_builder.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, writeModel } from './support/test_models.ts';

const random = testRandom('cli_describe');
const folder = temporaryFolder();

test("describeGraph gives VGG16 at 224×224 torchvision's 138,357,544 parameters and 2 × its multiply-adds, ≈30.9 GFLOPs", () => {
  const spec = vggPreset('vgg16');
  // Zeros: only the weights' lengths matter here (and untouched zeros cost no memory).
  const weights = new Map([...vggTensorShapes(spec)].map(([name, shape]) => [name, new Float32Array(shape.reduce((a, b) => a * b, 1))]));
  const described = describeGraph(vggGraph({ spec, weights }));
  assert.is(described.parameters, 138_357_544);
  // The multiply-adds counted layer by layer from the VGG's own description (3×3 convs keep the size).
  let macs = 0;
  for (const layer of vggLayers(spec)) {
    if (layer.kind === 'conv') macs += layer.outChannels * layer.inChannels * 9 * layer.height * layer.width;
    if (layer.kind === 'linear') macs += layer.outFeatures * layer.inFeatures;
  }
  // ReLUs and max-pools add nothing; no avgpool runs (features are already 7×7).
  assert.is(described.flops, 2 * macs);
  assert.is((described.flops / 1e9).toFixed(1), '30.9');
  assert.is(described.nodes.find((n) => n.name === 'features.29')!.op, 'relu');
  assert.equal(described.nodes.find((n) => n.name === 'features.28')!, {
    name: 'features.28', op: 'conv 3×3 stride 1 pad 1, 512→512', shape: [512, 14, 14], parameters: 2_359_808, flops: 2 * 512 * 512 * 9 * 14 * 14,
  });
});

test('describeGraph of a small graph: each line worked by hand', () => {
  const graph: Graph = {
    info: { input: { channels: 2, height: 5, width: 5 }, normalize: { mean: [0, 0], std: [1, 1] }, labels: ['a', 'b', 'c', 'd'] },
    input: 'x',
    output: 'y',
    nodes: [
      { name: 'conv', op: { kind: 'conv', weight: 'w', size: 3, stride: 2, pads: [1, 0, 1, 0] }, inputs: ['x'], output: 'c' },
      { name: 'bn', op: { kind: 'batchnorm', scale: 's', shift: 't' }, inputs: ['c'], output: 'b' },
      { name: 'relu', op: { kind: 'relu' }, inputs: ['b'], output: 'r' },
      { name: 'pool', op: { kind: 'maxpool', size: 2, stride: 2, pads: [0, 0, 0, 0] }, inputs: ['r'], output: 'p' },
      { name: 'flat', op: { kind: 'flatten' }, inputs: ['p'], output: 'f' },
      { name: 'fc', op: { kind: 'linear', weight: 'fw', bias: 'fb' }, inputs: ['f'], output: 'y' },
    ],
    weights: new Map([['w', new Float32Array(54)], ['s', new Float32Array(3)], ['t', new Float32Array(3)], ['fw', new Float32Array(12)], ['fb', new Float32Array(4)]]),
  };
  assert.equal(describeGraph(graph), {
    nodes: [
      // (5 + 1 + 1 − 3)/2 + 1 = 3 rows, (5 − 3)/2 + 1 = 2 columns; 18 outputs of 2·9 multiply-adds each.
      { name: 'conv', op: 'conv 3×3 stride 2 pads 1,0,1,0 (top,left,bottom,right), 2→3, no bias', shape: [3, 3, 2], parameters: 54, flops: 2 * 18 * 18 },
      { name: 'bn', op: 'batchnorm', shape: [3, 3, 2], parameters: 6, flops: 36 },
      { name: 'relu', op: 'relu', shape: [3, 3, 2], parameters: 0, flops: 0 },
      { name: 'pool', op: 'maxpool 2×2 stride 2 pad 0', shape: [3, 1, 1], parameters: 0, flops: 0 },
      { name: 'flat', op: 'flatten', shape: [3], parameters: 0, flops: 0 },
      { name: 'fc', op: 'linear 3→4', shape: [4], parameters: 16, flops: 24 },
    ],
    parameters: 76,
    flops: 648 + 36 + 24,
  });
});

test('deepinside describe prints a safetensors VGG and an ONNX ResNet alike: a line a node, then the totals', async () => {
  const vgg = writeModel(folder, 'colour', COLOUR_SPEC, random);
  const bytes = resnetOnnx(random, { channels: 3, height: 21, width: 19, classes: 6, block: 'basic' });
  const onnx = join(folder, 'resnet.onnx');
  writeFileSync(onnx, bytes);
  for (const [path, graph, format] of [[vgg.path, vggGraph({ spec: COLOUR_SPEC, weights: vgg.weights }), 'safetensors'], [onnx, onnxToGraph(bytes).graph, 'onnx']] as const) {
    const described = describeGraph(graph);
    const { code, context } = await runCommand(describeCommand, ['--model', path]);
    assert.is(code, 0);
    const { channels, height, width } = graph.info.input;
    assert.match(context.printed[0], `${path} (${format}): input ${channels}×${height}×${width}, ${graph.info.labels.length} classes`);
    assert.match(context.printed[1], /^node +op +output +parameters +FLOPs$/);
    assert.is(context.printed.length, 3 + graph.nodes.length);
    described.nodes.forEach((node, i) => {
      const cells = context.printed[2 + i].split(/ {2,}/);
      assert.equal(cells, [node.name, node.op, node.shape.join('×'), node.parameters.toLocaleString('en-US'), node.flops.toLocaleString('en-US')], node.name);
    });
    assert.is(context.printed.at(-1), `total: ${graph.nodes.length} nodes, ${described.parameters.toLocaleString('en-US')} parameters, ${(described.flops / 1e9).toFixed(2)} GFLOPs per image (${described.flops.toLocaleString('en-US')})`);
    if (format === 'onnx') assert.ok(context.notes.length > 0, 'the importer\'s defaults are announced');
    const json = await runCommand(describeCommand, ['--model', path, '--json']);
    assert.equal(JSON.parse(json.context.printed[0]), JSON.parse(JSON.stringify({ input: graph.info.input, classes: graph.info.labels.length, ...described })));
    assert.is(json.context.printed.length, 1);
  }
});

test.run();
