import { test } from 'uvu';
import onnxProto from 'onnx-proto';
import { FormatError } from '../src/io/mod.ts';
import * as assert from 'uvu/assert';
import { initVggWeights, isSafetensors, loadModel, onnxToGraph, saveVgg, vggGraph } from '../src/model/mod.ts';
import { resnetOnnx } from './support/onnx_builder.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';
import { COLOUR_SPEC } from './support/test_models.ts';

const random = testRandom('load_model');

test('loadModel sniffs a safetensors VGG and builds its graph as vggGraph does, with the mean image', () => {
  const weights = initVggWeights(COLOUR_SPEC, random);
  const meanImage = random.uniformArray(3 * 20 * 24, 0, 1);
  const bytes = saveVgg({ spec: COLOUR_SPEC, weights, meanImage });
  assert.ok(isSafetensors(bytes));
  const loaded = loadModel(bytes);
  assert.is(loaded.format, 'safetensors');
  assert.equal(loaded.notes, []);
  assert.equal(loaded.meanImage, meanImage);
  const expected = vggGraph({ spec: COLOUR_SPEC, weights });
  assert.equal(loaded.graph.nodes, expected.nodes);
  assert.equal(loaded.graph.info, COLOUR_SPEC);
  for (const [name, value] of expected.weights) assert.equal(loaded.graph.weights.get(name), value, name);
});

test('loadModel sniffs an ONNX file and hands it to the importer, notes and all', () => {
  const bytes = resnetOnnx(random, { channels: 3, height: 21, width: 19, classes: 6, block: 'basic' });
  assert.not.ok(isSafetensors(bytes));
  const loaded = loadModel(bytes);
  const expected = onnxToGraph(bytes);
  assert.is(loaded.format, 'onnx');
  assert.equal(loaded.graph.nodes, expected.graph.nodes);
  assert.equal(loaded.graph.info, expected.graph.info);
  assert.equal(loaded.notes, expected.notes);
  assert.ok(loaded.notes.length > 0, 'a file without metadata leaves defaults to announce');
  assert.is(loaded.meanImage, undefined);
});

test('loadModel applies --mean, --std and --labels to both formats and refuses those that do not fit', () => {
  const vgg = saveVgg({ spec: COLOUR_SPEC, weights: initVggWeights(COLOUR_SPEC, random) });
  const onnx = resnetOnnx(random, { channels: 3, height: 21, width: 19, classes: 10, block: 'basic' });
  const labels = Array.from({ length: 10 }, (_, i) => `thing ${i}`);
  for (const bytes of [vgg, onnx]) {
    const { info } = loadModel(bytes, { mean: [0.1, 0.2, 0.3], std: [1, 2, 3], labels }).graph;
    assert.equal(info.normalize, { mean: [0.1, 0.2, 0.3], std: [1, 2, 3] });
    assert.equal(info.labels, labels);
  }
  assertThrowsWith(() => loadModel(vgg, { mean: [0.5] }), RangeError, /--mean gives 1 values but the model takes 3 channel\(s\)/);
  assertThrowsWith(() => loadModel(vgg, { labels: ['a', 'b'] }), RangeError, /--labels gives 2 labels but the model has 10 classes/);
  assertThrowsWith(() => loadModel(vgg, { std: [1, 0, 1] }), RangeError, /--std values must all be > 0/);
});

test('loadModel refuses an empty file, a file of neither format, and truncated files of each, in one line', () => {
  assertThrowsWith(() => loadModel(new Uint8Array(), { name: 'empty.onnx' }), FormatError, /^empty\.onnx: model: the file is empty$/);
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  assertThrowsWith(() => loadModel(png), FormatError, /^model: neither a safetensors file \(an 8-byte header length, then '\{'\) nor an ONNX model \(onnx: /);
  const vgg = saveVgg({ spec: COLOUR_SPEC, weights: initVggWeights(COLOUR_SPEC, random) });
  const cut = vgg.subarray(0, vgg.length - 100);
  assert.ok(isSafetensors(cut), 'a truncated safetensors file still sniffs as one');
  try {
    loadModel(cut);
    assert.unreachable('a truncated safetensors file loaded');
  } catch (error) {
    assert.match((error as Error).message, /safetensors|truncated|bytes/i);
    assert.not.match((error as Error).message, /\n/);
  }
  const onnx = resnetOnnx(random, { channels: 1, height: 15, width: 15, classes: 3, block: 'basic' });
  assertThrowsWith(() => loadModel(onnx.subarray(0, onnx.length >> 1)), FormatError, /^onnx: (?!onnx: )/);
});

test('loadModel refuses an ONNX model with a NaN weight in one line that names the file and the weight once', () => {
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(resnetOnnx(random, { channels: 1, height: 15, width: 15, classes: 3, block: 'basic' }));
  const weight = model.graph!.initializer!.find((t) => t.rawData && t.rawData.length >= 8)!;
  const raw = Uint8Array.from(weight.rawData!);
  raw.set([0xff, 0xff, 0xff, 0x7f], 4);
  weight.rawData = raw;
  const bytes = onnx.ModelProto.encode(model).finish();
  assertThrowsWith(() => loadModel(bytes, { name: 'nan.onnx' }), FormatError, /^nan\.onnx: onnx: weight "[^"]+" holds 1 non-finite value \(NaN or ±Infinity\) of \d+; a model with them computes NaN maps$/);
});

test.run();
