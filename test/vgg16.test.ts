import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initVggWeights, vggGraph, vggPreset } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { conv2dBackwardInput, conv2dForward, referenceVggBackward, referenceVggForward } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('vgg16');

// A whole VGG16 at 224×224 cannot be bound at once here: fc6's weight is 411 MB and lavapipe binds at
// most 128 MiB. Running it whole in float64 would take minutes, so its two ends are checked against the
// reference from the GPU's own intermediate tensors: the first conv, and the whole classifier.
test('a whole VGG16 at 224×224 runs forward and backward to the input, its ends matching the reference', async () => {
  const spec = vggPreset('vgg16');
  const weights = initVggWeights(spec, random, { bias: 0.01 });
  const fc6 = weights.get('classifier.0.weight')!;
  assert.ok(fc6.byteLength > gpu.limits.maxBindingBytes, `fc6 (${fc6.byteLength} B) exceeds one binding here`);
  const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
  // Its ReLU fused, conv1_1's output would not be written; pool5's gradient is read too.
  model.keep(['features.0', 'flatten']);
  const input = random.uniformArray(3 * 224 * 224);
  const target = random.int(1000);
  const { logits, gradient } = await model.classScoreGradient(input, 1, [target], 'gradient');
  assert.ok(logits.every(Number.isFinite) && gradient.every(Number.isFinite), 'finite logits and gradient');
  assert.ok(gradient.some((g) => g !== 0), 'a gradient that is not all zeros');

  // The first conv, forward and backward.
  const conv = { n: 1, c: 3, h: 224, w: 224, k: 64, size: 3, pad: 1 };
  const w0 = weights.get('features.0.weight')!;
  assertClose('conv1_1 output', await gpu.read(model.activation('features.0')), conv2dForward(conv, input, w0, weights.get('features.0.bias')!), { random });
  assertClose('∂input', gradient, conv2dBackwardInput(conv, await gpu.read(model.activationGradient('features.0')), w0), { random });

  // The classifier (fc6 → fc8) from the GPU's pooled features, forward and backward.
  const features = await gpu.read(model.activation('flatten'));
  const head = {
    ...spec,
    features: [],
    avgpool: undefined,
    input: { channels: features.length, height: 1, width: 1 },
  };
  const headForward = referenceVggForward(head, weights, features, 1);
  assertClose('logits', logits, headForward.logits, { random });
  const oneHot = new Float64Array(1000);
  oneHot[target] = 1;
  const headBackward = referenceVggBackward(head, weights, headForward, oneHot, 'gradient');
  assertClose('∂pool5', await gpu.read(model.activationGradient('flatten')), headBackward.dInput, { random });
  model.destroy();
});

test.run();
