import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attribute, topClasses } from '../src/attribution/mod.ts';
import { readClutteredDataset } from '../src/cli/mod.ts';
import {
  boxIou,
  centredBox,
  localiseSegmentation,
  maskIou,
  meanBoxSize,
  scenePixels,
  segmentFromMap,
  type SegmentationSet,
  thresholdSegment,
} from '../src/evaluation/mod.ts';
import { loadVgg, type VggSpec, vggGraph } from '../src/model/mod.ts';
import { GraphModel } from '../src/graph/mod.ts';
import { temporaryFolder } from './support/cli_fixture.ts';
import { fashionMnist } from './support/fashion_mnist.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { writeModel } from './support/test_models.ts';

const random = testRandom('evaluation_localise_segmentation');
/** A random VGG the size of the cluttered scenes: small, so that the test is quick. */
const SCENE_SPEC: VggSpec = {
  format: 1,
  architecture: 'vgg',
  features: [4, 'M', 4, 'M'],
  classifier: [],
  input: { channels: 3, height: 64, width: 64 },
  normalize: { mean: [0.4, 0.4, 0.4], std: [0.2, 0.2, 0.2] },
  labels: fashionMnist('test').classes,
};

test('localiseSegmentation scores each method, the threshold baseline and the centred box exactly as per-scene recomputation, over ragged batches', async () => {
  const { path } = writeModel(temporaryFolder(), 'scenes', SCENE_SPEC, random);
  const model = GraphModel.create(gpu, vggGraph(loadVgg(readFileSync(path))));
  const all = readClutteredDataset('test');
  const count = 5;
  const scenes: SegmentationSet = { name: 'first 5', length: count, input: all.input, item: (i) => all.item(i) };
  const size: [number, number] = [25.4, 30.6];
  try {
    const result = await localiseSegmentation(model, scenes, { methods: ['gradient', 'guided'], batchSize: 2, meanBoxSize: size });
    assert.is(result.count, count);
    assert.equal(result.centredBox, centredBox(64, 64, size[1], size[0]));
    const items = [0, 1, 2, 3, 4].map((i) => all.item(i));
    const plane = 64 * 64;
    const input = new Float32Array(count * 3 * plane);
    items.forEach(({ image }, b) => {
      for (let i = 0; i < 3 * plane; i++) input[b * 3 * plane + i] = (image[i] - 0.4) / 0.2;
    });
    const labels = items.map(({ label }) => label);
    // The centred box: its mask is the filled box.
    const [x0, y0, x1, y1] = result.centredBox;
    let centredMask = 0;
    let centredBoxIou = 0;
    items.forEach(({ mask, box }) => {
      const filled = mask.map((_, p) => (p % 64 >= x0 && p % 64 < x1 && Math.floor(p / 64) >= y0 && Math.floor(p / 64) < y1 ? 1 : 0));
      centredMask += maskIou(filled, mask);
      centredBoxIou += boxIou(result.centredBox, box);
    });
    assert.ok(Math.abs(result.centred.maskIou - centredMask / count) < 1e-12);
    assert.ok(Math.abs(result.centred.boxIou - centredBoxIou / count) < 1e-12);
    for (const method of ['gradient', 'guided'] as const) {
      const { maps, logits } = await attribute(model, input, count, labels, method);
      const tops = topClasses(logits, count, 10);
      assert.is(result.accuracy, tops.filter((t, b) => t === labels[b]).length / count);
      let threshold = 0;
      let thresholdBox = 0;
      let misses = 0;
      let grabCut = 0;
      for (const [b, { mask, box, image }] of items.entries()) {
        const map = maps.subarray(b * plane, (b + 1) * plane);
        const found = thresholdSegment(map, 64, 64);
        threshold += maskIou(found.mask, mask);
        thresholdBox += boxIou(found.box, box);
        if (boxIou(found.box, box) < 0.5) misses++;
        grabCut += maskIou((await segmentFromMap(scenePixels(image, 3, 64, 64), map)).mask, mask);
      }
      const scores = result.methods.get(method)!.truth;
      assert.ok(Math.abs(scores.threshold.maskIou - threshold / count) < 1e-12, `${method} threshold mask IoU`);
      assert.ok(Math.abs(scores.threshold.boxIou - thresholdBox / count) < 1e-12, `${method} threshold box IoU`);
      assert.is(scores.threshold.error, misses / count);
      // GrabCut's k-means start depends on OpenCV's generator state, which the WebAssembly build cannot seed:
      // on this random model's noisy maps one scene's mask can come out otherwise in the recomputation (CI
      // saw 0.103 against 0.001). The maps themselves are held exactly by the threshold baseline above, so
      // here the mean may differ by one scene's worth and no more.
      assert.ok(Math.abs(scores.grabCut.maskIou - grabCut / count) <= 1 / count, `${method} GrabCut mask IoU ${scores.grabCut.maskIou} vs ${grabCut / count}`);
      assert.is(scores.grabCut.failures, 0);
    }
    for (const s of [result.grabCutFromBox, result.centred]) assert.ok(s.maskIou >= 0 && s.maskIou <= 1 && s.error >= 0 && s.error <= 1);
  } finally {
    model.destroy();
  }
});

test('meanBoxSize averages the boxes of the scenes', () => {
  const boxes = [[0, 0, 10, 20], [5, 5, 9, 7]] as const;
  const set: SegmentationSet = {
    name: 'two',
    length: 2,
    input: { channels: 3, height: 64, width: 64 },
    item: (i) => ({ image: new Float32Array(0), label: 0, mask: new Uint8Array(0), box: boxes[i] }),
  };
  assert.equal(meanBoxSize(set), [7, 11]);
});

test.run();
