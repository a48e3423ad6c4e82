import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attribute, saliencyMaps, topClasses } from '../src/attribution/mod.ts';
import { initVggWeights, vggGraph } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { referenceClassScoreGradient, referenceVggForward, saliencyMap } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';
import { COLOUR_SPEC, GREY_SPEC } from './support/test_models.ts';

const random = testRandom('attribution_saliency');

for (const [name, spec, n] of [['a colour model, batch 3', COLOUR_SPEC, 3], ['a grey model, batch 1', GREY_SPEC, 1]] as const) {
  test(`saliencyMaps matches maxᶜ |∂S_c/∂I| of the float64 model under every rule, for ${name}, given classes and top classes`, async () => {
    const weights = initVggWeights(spec, random, { bias: 0.1 });
    const { channels: c, height: h, width: w } = spec.input;
    const input = random.uniformArray(n * c * h * w, -2, 2);
    const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
    const top = topClasses(referenceVggForward(spec, weights, input, n).logits, n, spec.labels.length);
    const given = Array.from({ length: n }, () => random.int(spec.labels.length));
    for (const rule of RELU_RULES) {
      for (const classes of [given, 'top'] as const) {
        const result = await saliencyMaps(model, input, n, classes, rule);
        const chosen = classes === 'top' ? top : given;
        assert.equal(result.classes, chosen);
        const reference = referenceClassScoreGradient(spec, weights, input, n, chosen, rule);
        assertClose(`logits (${rule})`, result.logits, reference.logits, { random });
        assertClose(`map (${rule}, ${classes === 'top' ? 'top' : 'given'})`, result.maps, saliencyMap({ n, c, h, w }, reference.dInput), { random });
      }
    }
    model.destroy();
  });
}

test('saliencyMaps refuses a class outside the labels before running anything', async () => {
  const model = GraphModel.create(gpu, vggGraph({ spec: GREY_SPEC, weights: initVggWeights(GREY_SPEC, random) }));
  try {
    await saliencyMaps(model, new Float32Array(120), 1, [3], 'gradient');
    assert.unreachable('no error');
  } catch (error) {
    assert.instance(error, RangeError);
    assert.match((error as Error).message, /class 3 is outside \[0, 2\]/);
  }
  model.destroy();
});

test('topClasses takes the largest score of each row, the first on a tie', () => {
  assert.equal(topClasses([1, 3, 2, 5, 5, 0], 2, 3), [1, 0]);
});

test('attribute draws the maps of each ReLU rule exactly as saliencyMaps does, and refuses an unknown method', async () => {
  const spec = COLOUR_SPEC;
  const model = GraphModel.create(gpu, vggGraph({ spec, weights: initVggWeights(spec, random, { bias: 0.1 }) }));
  const { channels: c, height: h, width: w } = spec.input;
  const input = random.uniformArray(2 * c * h * w, -2, 2);
  for (const rule of RELU_RULES) {
    const progress: number[] = [];
    const got = await attribute(model, input, 2, [1, 0], rule, { onProgress: (done) => progress.push(done) });
    const expected = await saliencyMaps(model, input, 2, [1, 0], rule);
    assert.equal(got.maps, expected.maps, rule);
    assert.equal(progress, [2]);
  }
  await assertRejectsWith(() => attribute(model, input, 2, 'top', 'occlusion' as never), RangeError, /no method "occlusion"/);
  model.destroy();
});

test.run();
