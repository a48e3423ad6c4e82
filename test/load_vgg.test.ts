import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FormatError, writeSafetensors } from '../src/io/mod.ts';
import { loadVgg, saveVgg, type VggSpec, vggTensorShapes } from '../src/model/mod.ts';
import { safetensorsBytes } from './support/safetensors_bytes.ts';
import { testRandom } from './support/seed.ts';
import { tinyVggSpec } from './support/tiny_vgg.ts';

const random = testRandom('load_vgg');

/** Random weights of the right shapes for `spec`, in layer order. */
function randomWeights(spec: VggSpec): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of vggTensorShapes(spec)) {
    weights.set(name, random.uniformArray(shape.reduce((p, s) => p * s, 1)));
  }
  return weights;
}

/** A bare torchvision-style file (no metadata) holding `weights` under their spec shapes, with `change`s. */
function bareFile(spec: VggSpec, weights: Map<string, Float32Array>, change: (t: Map<string, { shape: number[]; data: Float32Array }>) => void = () => {}): Uint8Array {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of vggTensorShapes(spec)) tensors.set(name, { shape, data: weights.get(name) ?? new Float32Array(0) });
  change(tensors);
  return writeSafetensors(tensors);
}

test('saveVgg then loadVgg gives back the spec and every weight, in layer order', () => {
  const spec = tinyVggSpec({ avgpool: [1, 1] });
  const weights = randomWeights(spec);
  const model = loadVgg(saveVgg({ spec, weights }));
  assert.equal(model.spec, spec);
  assert.equal([...model.weights.keys()], [...vggTensorShapes(spec).keys()]);
  for (const [name, data] of weights) assert.equal(model.weights.get(name), data, name);
});

test('a model saved with its mean image loads with it; one without has none; a mean image of the wrong shape is refused', () => {
  const spec = tinyVggSpec();
  const weights = randomWeights(spec);
  const { channels, height, width } = spec.input;
  const meanImage = random.uniformArray(channels * height * width);
  const model = loadVgg(saveVgg({ spec, weights, meanImage }));
  assert.equal(model.meanImage, meanImage);
  for (const [name, data] of weights) assert.equal(model.weights.get(name), data, name);
  assert.is(loadVgg(saveVgg({ spec, weights })).meanImage, undefined);
  assert.throws(() => saveVgg({ spec, weights, meanImage: meanImage.subarray(1) }), new RegExp(`the mean image has ${meanImage.length - 1} values but the input \\[${channels}, ${height}, ${width}\\]`));
  const wrong = writeSafetensorsWithSpec(bareFile(spec, weights, (t) => t.set('mean_image', { shape: [channels, width, height + 1], data: new Float32Array(channels * width * (height + 1)) })), spec);
  assert.throws(() => loadVgg(wrong), new RegExp(`tensor "mean_image" has shape \\[${channels}, ${width}, ${height + 1}\\] but the model's input is \\[${channels}, ${height}, ${width}\\]`));
});

test('loadVgg reads the spec from the deepinside metadata even when a preset is passed', () => {
  const spec = tinyVggSpec();
  const model = loadVgg(saveVgg({ spec, weights: randomWeights(spec) }), { preset: 'vgg16' });
  assert.equal(model.spec, spec);
});

test('loadVgg without metadata or preset says so and names the presets', () => {
  const spec = tinyVggSpec();
  assert.throws(
    () => loadVgg(bareFile(spec, randomWeights(spec))),
    /no "deepinside" metadata; for a bare torchvision state_dict pass \{ preset \} with one of vgg11, vgg13, vgg16, vgg19/,
  );
});

test('loadVgg refuses deepinside metadata that is not JSON or not a valid spec', () => {
  const tensors = new Map([['w', { shape: [1], data: new Float32Array(1) }]]);
  assert.throws(() => loadVgg(writeSafetensors(tensors, { deepinside: '{"format":' })), /vgg spec: not valid JSON/);
  const wrong = JSON.stringify(tinyVggSpec({ normalize: { mean: [0, 0], std: [1] } }));
  assert.throws(() => loadVgg(writeSafetensors(tensors, { deepinside: wrong })), /normalize.mean has 2 values but input.channels is 1/);
});

test('loadVgg refuses an unknown preset, listing the known ones', () => {
  assert.throws(() => loadVgg(writeSafetensors(new Map()), { preset: 'vgg17' }), /unknown preset "vgg17"; known presets are vgg11/);
});

test('loadVgg names a missing tensor and its shape', () => {
  const spec = tinyVggSpec();
  const weights = randomWeights(spec);
  const file = bareFile(spec, weights, (t) => t.delete('classifier.3.bias'));
  assert.throws(() => loadVgg(writeSafetensorsWithSpec(file, spec)), /lacks tensor "classifier.3.bias" \[2\] that the spec needs/);
});

test('loadVgg names a tensor of the wrong shape, with the shape it got and the one it needs', () => {
  const spec = tinyVggSpec();
  const weights = randomWeights(spec);
  const file = bareFile(spec, weights, (t) => {
    const w = t.get('classifier.0.weight');
    if (w) t.set('classifier.0.weight', { shape: [12, 5], data: w.data });
  });
  assert.throws(
    () => loadVgg(writeSafetensorsWithSpec(file, spec)),
    /tensor "classifier.0.weight" has shape \[12, 5\] but the spec needs \[5, 12\]/,
  );
});

test('loadVgg refuses tensors the spec does not know, listing up to three (a batch-norm VGG)', () => {
  const spec = tinyVggSpec();
  const file = bareFile(spec, randomWeights(spec), (t) => {
    for (const name of ['features.1.weight', 'features.1.bias', 'features.1.running_mean', 'features.1.running_var']) {
      t.set(name, { shape: [2], data: new Float32Array(2) });
    }
  });
  assert.throws(
    () => loadVgg(writeSafetensorsWithSpec(file, spec)),
    /unexpected tensors "features.1.weight", "features.1.bias", "features.1.running_mean" and 1 more; .*batch-norm VGGs are not supported/,
  );
});

test('loadVgg with a preset checks shapes against it: a bare file whose features.0.weight is wrong', () => {
  // The real vgg11 would be 507 MB; one wrong tensor is refused before any other is looked for.
  const bytes = writeSafetensors(new Map([['features.0.weight', { shape: [64, 1, 3, 3], data: new Float32Array(576) }]]));
  assert.throws(
    () => loadVgg(bytes, { preset: 'vgg11' }),
    /tensor "features.0.weight" has shape \[64, 1, 3, 3\] but the spec needs \[64, 3, 3, 3\]/,
  );
  const right = writeSafetensors(new Map([['features.0.weight', { shape: [64, 3, 3, 3], data: new Float32Array(1728) }]]));
  assert.throws(() => loadVgg(right, { preset: 'vgg11' }), /lacks tensor "features.0.bias" \[64\]/);
});

test('loadVgg reads F16 weights, widened to float32', () => {
  const spec = tinyVggSpec();
  const shapes = vggTensorShapes(spec);
  const header: Record<string, unknown> = { __metadata__: { deepinside: JSON.stringify(spec) } };
  let offset = 0;
  for (const [name, shape] of shapes) {
    const bytes = 2 * shape.reduce((p, s) => p * s, 1);
    header[name] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const data = new Uint8Array(offset);
  const view = new DataView(data.buffer);
  for (let i = 0; i < offset; i += 2) view.setUint16(i, 0x3c00, true); // every weight 1.0
  const model = loadVgg(safetensorsBytes(header, data));
  for (const [name, weights] of model.weights) assert.ok(weights.every((w) => w === 1), name);
});

test('saveVgg refuses missing, extra and wrongly sized weights', () => {
  const spec = tinyVggSpec();
  const [first] = vggTensorShapes(spec).keys();
  const missing = randomWeights(spec);
  missing.delete(first);
  assert.throws(() => saveVgg({ spec, weights: missing }), new RegExp(`weight "${first}" \\[2, 1, 3, 3\\] is missing`));
  const extra = randomWeights(spec).set('features.9.weight', new Float32Array(1));
  assert.throws(() => saveVgg({ spec, weights: extra }), /weight "features.9.weight" is not part of the spec/);
  const short = randomWeights(spec).set(first, new Float32Array(17));
  assert.throws(() => saveVgg({ spec, weights: short }), /has 17 values but \[2, 1, 3, 3\] holds 18/);
});

/** The same tensors as a bare file, with the spec added as deepinside metadata. */
function writeSafetensorsWithSpec(bare: Uint8Array, spec: VggSpec): Uint8Array {
  const length = Number(new DataView(bare.buffer, bare.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bare.subarray(8, 8 + length))) as Record<string, unknown>;
  header.__metadata__ = { deepinside: JSON.stringify(spec) };
  return safetensorsBytes(header, bare.subarray(8 + length));
}

test('loadVgg refuses a NaN or infinite weight, naming the tensor and how many values are not finite', () => {
  const spec = tinyVggSpec();
  const weights = randomWeights(spec);
  const [first, second] = [...weights.keys()];
  weights.get(first)![0] = NaN;
  weights.get(second)!.fill(Infinity, 0, 2);
  const bytes = saveVgg({ spec, weights });
  const error = (() => { try { loadVgg(bytes, { name: 'nan.safetensors' }); } catch (e) { return e; } })();
  assert.instance(error, FormatError);
  assert.match((error as Error).message, new RegExp(`^nan\\.safetensors: vgg model: tensor "${first}" holds 1 non-finite value \\(NaN or ±Infinity\\)`));
  weights.get(first)![0] = 0;
  assert.throws(() => loadVgg(saveVgg({ spec, weights })), new RegExp(`tensor "${second}" holds 2 non-finite values`));
});

test('loadVgg refuses a non-finite mean image', () => {
  const spec = tinyVggSpec();
  const { channels, height, width } = spec.input;
  const meanImage = new Float32Array(channels * height * width);
  meanImage[3] = -Infinity;
  assert.throws(() => loadVgg(saveVgg({ spec, weights: randomWeights(spec), meanImage })), /tensor "mean_image" holds 1 non-finite value/);
});

test.run();
