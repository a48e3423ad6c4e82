import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IMAGENET_LABELS, parseVggSpec, VGG_PRESET_NAMES, vggLayers, vggPreset, vggTensorShapes } from '../src/model/mod.ts';

test('vggPreset knows vgg11, vgg13, vgg16 and vgg19 with 8, 10, 13 and 16 convs and 3 linear layers', () => {
  assert.equal(VGG_PRESET_NAMES, ['vgg11', 'vgg13', 'vgg16', 'vgg19']);
  for (const [name, convs] of [['vgg11', 8], ['vgg13', 10], ['vgg16', 13], ['vgg19', 16]] as const) {
    const layers = vggLayers(vggPreset(name));
    assert.is(layers.filter((l) => l.kind === 'conv').length, convs, name);
    assert.is(layers.filter((l) => l.kind === 'maxpool').length, 5, name);
    assert.is(layers.filter((l) => l.kind === 'linear').length, 3, name);
    // 224 / 2^5 = 7, so torchvision's 7×7 adaptive pool is the identity and is left out.
    assert.is(layers.filter((l) => l.kind === 'avgpool').length, 0, name);
  }
});

test('vggPreset("vgg16") is torchvision config D with ImageNet input, normalisation and a 4096-4096 classifier', () => {
  const spec = vggPreset('vgg16');
  assert.equal(spec.features, [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']);
  assert.equal(spec.classifier, [4096, 4096]);
  assert.equal(spec.avgpool, [7, 7]);
  assert.equal(spec.input, { channels: 3, height: 224, width: 224 });
  assert.equal(spec.normalize, { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  const shapes = vggTensorShapes(spec);
  assert.equal(shapes.get('classifier.0.weight'), [4096, 512 * 7 * 7]);
  assert.equal(shapes.get('classifier.6.weight'), [1000, 4096]);
  const parameters = [...shapes.values()].reduce((sum, shape) => sum + shape.reduce((p, s) => p * s, 1), 0);
  assert.is(parameters, 138357544); // torchvision's documented num_params for VGG16_Weights
});

test('every preset passes parseVggSpec', () => {
  for (const name of VGG_PRESET_NAMES) assert.equal(parseVggSpec(JSON.stringify(vggPreset(name))), vggPreset(name));
});

test('the ImageNet labels are 1000 distinct names in torchvision order, tench first, toilet tissue last', () => {
  assert.is(IMAGENET_LABELS.length, 1000);
  assert.is(new Set(IMAGENET_LABELS).size, 1000);
  assert.is(IMAGENET_LABELS[0], 'tench');
  assert.is(IMAGENET_LABELS[1], 'goldfish');
  assert.is(IMAGENET_LABELS[134], 'crane bird');
  assert.is(IMAGENET_LABELS[281], 'tabby');
  assert.is(IMAGENET_LABELS[517], 'crane');
  assert.is(IMAGENET_LABELS[639], 'maillot tank suit');
  assert.is(IMAGENET_LABELS[999], 'toilet tissue');
  assert.is(vggPreset('vgg19').labels, IMAGENET_LABELS);
});

test('vggPreset refuses an unknown name, listing the known ones', () => {
  assert.throws(() => vggPreset('vgg16_bn'), (e: unknown) =>
    e instanceof RangeError && /unknown preset "vgg16_bn"; known presets are vgg11, vgg13, vgg16, vgg19/.test(e.message));
  assert.throws(() => vggPreset('toString'), RangeError);
});

// Fails until src/model/vgg_layers.ts counts torchvision's Sequential indices (a conv and its ReLU are two
// modules, a max-pool one): it names vgg16's convs features.0, 1, 3, 4, ... from the spec's own indices.
test('vggTensorShapes names vgg16 tensors as torchvision state_dict() does', () => {
  const convs = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];
  const names = [
    ...convs.flatMap((i) => [`features.${i}.weight`, `features.${i}.bias`]),
    ...[0, 3, 6].flatMap((i) => [`classifier.${i}.weight`, `classifier.${i}.bias`]),
  ];
  assert.equal([...vggTensorShapes(vggPreset('vgg16')).keys()], names);
});

test.run();
