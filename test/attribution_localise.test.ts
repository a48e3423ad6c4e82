import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boxScores, centredGaussian, type LocalisationItem, localiseSaliency, saliencyMaps, saliencyMapsByRule } from '../src/attribution/mod.ts';
import type { Box } from '../src/data/mod.ts';
import { initVggWeights, vggGraph } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { referenceClassScoreGradient, referenceVggForward, saliencyMap } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC } from './support/test_models.ts';
import { assertRejectsWith, assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('attribution_localise');

test('boxScores on a 3×4 map by hand: the share inside the box, and whether the peak is in it', () => {
  const map = [
    0, 1, 2, 0,
    0, 3, 4, 0,
    0, 0, 0, 10,
  ];
  // Box x in [1, 3), y in [0, 2): 1 + 2 + 3 + 4 = 10 of 20; the peak (10 at x 3, y 2) is outside.
  assert.equal(boxScores(map, 3, 4, [1, 0, 3, 2]), { inBox: 0.5, hit: false });
  assert.equal(boxScores(map, 3, 4, [1, 0, 4, 3]), { inBox: 1, hit: true });
  // The first of two equal peaks in raster order decides: (1, 0) is in [0, 0, 2, 1), (2, 1) is not.
  assert.equal(boxScores([0, 5, 0, 0, 0, 5], 2, 3, [0, 0, 2, 1]), { inBox: 0.5, hit: true });
  assert.equal(boxScores([0, 0, 0, 0], 2, 2, [0, 0, 2, 2]), { inBox: 0, hit: false }, 'a zero map scores nothing');
  assertThrowsWith(() => boxScores(map, 3, 3, [0, 0, 1, 1]), RangeError, /12 values are not a 3×3 map/);
});

test('centredGaussian peaks at the centre, is symmetric, and is exp(−r²/2σ²) at the pixel centres', () => {
  const [h, w, sigma] = [5, 6, 2];
  const map = centredGaussian(h, w, sigma);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const r2 = (x + 0.5 - 3) ** 2 + (y + 0.5 - 2.5) ** 2;
      assert.ok(Math.abs(map[y * w + x] - Math.exp(-r2 / 8)) < 1e-7, `(${x}, ${y})`);
      assert.is(map[y * w + x], map[(h - 1 - y) * w + (w - 1 - x)], `symmetry at (${x}, ${y})`);
    }
  }
  assertThrowsWith(() => centredGaussian(4, 4, 0), RangeError, /σ 0 must be positive/);
});

test('saliencyMapsByRule gives each rule the map saliencyMaps gives alone, from one forward pass', async () => {
  const spec = COLOUR_SPEC;
  const n = 2;
  const { channels: c, height: h, width: w } = spec.input;
  const model = GraphModel.create(gpu, vggGraph({ spec, weights: initVggWeights(spec, random, { bias: 0.1 }) }));
  const input = random.uniformArray(n * c * h * w, -2, 2);
  const byRule = await saliencyMapsByRule(model, input, n, 'top', RELU_RULES);
  for (const rule of RELU_RULES) {
    const alone = await saliencyMaps(model, input, n, byRule.classes, rule);
    assertClose(`map (${rule})`, byRule.maps.get(rule)!, alone.maps, { random });
  }
  await assertRejectsWith(() => saliencyMapsByRule(model, input, n, 'top', []), RangeError, /no rule given/);
  model.destroy();
});

test('localiseSaliency scores the float64 model\'s maps and the Gaussians against each box, over ragged batches', async () => {
  const spec = COLOUR_SPEC;
  const { channels: c, height: h, width: w } = spec.input;
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const items: LocalisationItem[] = Array.from({ length: 5 }, () => {
    const x0 = random.int(w - 4);
    const y0 = random.int(h - 4);
    const box: Box = [x0, y0, x0 + 2 + random.int(w - x0 - 2), y0 + 2 + random.int(h - y0 - 2)];
    return { image: random.uniformArray(c * h * w, 0, 1), label: random.int(spec.labels.length), box };
  });
  const scenes = { name: 'random scenes', length: items.length, input: spec.input, item: (i: number) => items[i] };
  const model = GraphModel.create(gpu, vggGraph({ spec, weights }));
  const sigmas = [3, 7];
  const result = await localiseSaliency(model, scenes, { batchSize: 2, sigmas });
  model.destroy();

  const plane = h * w;
  const input = new Float64Array(items.length * c * plane);
  items.forEach(({ image }, b) => {
    for (let i = 0; i < c * plane; i++) {
      const k = Math.floor(i / plane);
      input[b * c * plane + i] = (image[i] - spec.normalize.mean[k]) / spec.normalize.std[k];
    }
  });
  const labels = items.map(({ label }) => label);
  const { logits } = referenceVggForward(spec, weights, input, items.length);
  const correct = labels.filter((label, b) => {
    const row = Array.from(logits.subarray(b * 10, (b + 1) * 10));
    return row.indexOf(Math.max(...row)) === label;
  }).length;
  assert.is(result.count, 5);
  assert.is(result.target, 'label');
  assert.is(result.accuracy, correct / 5);
  for (const rule of RELU_RULES) {
    const maps = saliencyMap({ n: items.length, c, h, w }, referenceClassScoreGradient(spec, weights, input, items.length, labels, rule).dInput);
    let [inBox, sure, unsure] = [0, 0, 0];
    items.forEach(({ box }, b) => {
      const map = maps.subarray(b * plane, (b + 1) * plane);
      const scores = boxScores(map, h, w, box);
      inBox += scores.inBox / items.length;
      // A peak within float32 rounding of a rival on the other side of the box's edge may go either way.
      const largest = Math.max(...map);
      const rival = Math.max(...Array.from(map).filter((v, p) => inside(box, p % w, Math.floor(p / w)) !== scores.hit));
      if (largest - rival < 1e-4 * largest) unsure++;
      else if (scores.hit) sure++;
    });
    const got = result.rules.get(rule)!;
    assertClose(`mass in box (${rule})`, [got.inBox], [inBox]);
    const hits = Math.round(got.pointing * 5);
    assert.ok(hits >= sure && hits <= sure + unsure, `pointing (${rule}): ${hits} hits, expected ${sure} (+${unsure} near ties)`);
  }
  for (const sigma of sigmas) {
    const map = centredGaussian(h, w, sigma);
    const scores = items.map(({ box }) => boxScores(map, h, w, box));
    const got = result.gaussians.get(sigma)!;
    assertClose(`Gaussian σ=${sigma} mass`, [got.inBox], [scores.reduce((s, v) => s + v.inBox, 0) / 5]);
    assert.is(got.pointing, scores.filter((v) => v.hit).length / 5);
  }
  const area = items.reduce((s, { box }) => s + ((box[2] - box[0]) * (box[3] - box[1])) / plane, 0) / 5;
  assertClose('box area', [result.boxArea], [area]);
});

test('localiseSaliency refuses scenes of another size than the model\'s input, before any work', async () => {
  const model = GraphModel.create(gpu, vggGraph({ spec: COLOUR_SPEC, weights: initVggWeights(COLOUR_SPEC, random) }));
  const scenes = { name: 'big scenes', length: 1, input: { channels: 3, height: 64, width: 64 }, item: () => assert.unreachable('read') as never };
  await assertRejectsWith(() => localiseSaliency(model, scenes), RangeError, /big scenes holds 3×64×64 scenes but the model takes 3×20×24/);
  model.destroy();
});

function inside([x0, y0, x1, y1]: Box, x: number, y: number): boolean {
  return x >= x0 && x < x1 && y >= y0 && y < y1;
}

test.run();
