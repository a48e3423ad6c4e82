import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  boxIou,
  centredBox,
  DegenerateMapError,
  GC_BGD,
  grabCut,
  GC_FGD,
  GC_PR_BGD,
  GC_PR_FGD,
  largestComponent,
  mapQuantiles,
  maskIou,
  type OpenCv,
  openCv,
  rgbBytes,
  saliencySeeds,
  segmentFromBox,
  segmentFromMap,
  thresholdSegment,
} from '../src/evaluation/mod.ts';
import { largestComponentReference, quantileReference } from '../src/reference/mod.ts';
import { hiddenScene } from './support/segmentation_scenes.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith, assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('evaluation_segment');
/** For the assertion helpers, which take a built-in error's constructor. */
const Degenerate = DegenerateMapError as unknown as ErrorConstructor;

test('mapQuantiles gives NumPy’s np.quantile (float64, linear) to the last bit on a hand case with ties', () => {
  const values = [3, 1, 2, 5, 4, 0.5, 7, 2, 2, 9];
  // np.quantile(np.array(values, dtype=np.float64), q) printed by NumPy 2.4.6.
  assert.equal(mapQuantiles(values, [0, 0.3, 0.5, 0.95, 1]), [0.5, 2.0, 2.5, 8.099999999999998, 9.0]);
  assert.equal(mapQuantiles([7], [0, 0.3, 1]), [7, 7, 7]);
});

test('mapQuantiles matches quantiles found by counting on random maps, with and without ties', () => {
  for (let trial = 0; trial < 20; trial++) {
    const n = 1 + random.int(150);
    const ties = trial % 2 === 0;
    const map = Float32Array.from({ length: n }, () => (ties ? random.int(5) : random.normal()));
    const qs = [0, 0.3, 0.95, random.uniform(0, 1), 1];
    const got = mapQuantiles(map, qs);
    qs.forEach((q, k) => {
      const want = quantileReference(map, q);
      assert.ok(Math.abs(got[k] - want) <= 1e-12 * (1 + Math.abs(want)), `n ${n}, q ${q}: ${got[k]} vs ${want}`);
    });
  }
  assertThrowsWith(() => mapQuantiles([], [0.5]), RangeError, /empty/);
  assertThrowsWith(() => mapQuantiles([1, NaN], [0.5]), RangeError, /NaN at index 1/);
  assertThrowsWith(() => mapQuantiles([1], [1.5]), RangeError, /1\.5 is not in \[0, 1\]/);
});

test('saliencySeeds labels foreground at or above the 95% quantile, background below the 30%, the rest probably background', () => {
  for (let trial = 0; trial < 10; trial++) {
    const n = 20 + random.int(300);
    const map = Float32Array.from({ length: n }, () => (trial % 2 ? random.int(8) : random.uniform(0, 1)));
    const fg = quantileReference(map, 0.95);
    const bg = quantileReference(map, 0.3);
    if (fg === Math.min(...map) || Math.max(...map) <= bg) continue;
    const seeds = saliencySeeds(map);
    let counts = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const want = map[i] >= fg ? GC_FGD : map[i] < bg ? GC_BGD : GC_PR_BGD;
      assert.is(seeds.mask[i], want, `pixel ${i} of ${n}: value ${map[i]}, thresholds ${bg}, ${fg}`);
      counts[want === GC_FGD ? 0 : want === GC_BGD ? 1 : 2]++;
    }
    assert.equal([seeds.counts.foreground, seeds.counts.background, seeds.counts.probableBackground], counts);
  }
  // A hand case: 0..19; the 95% quantile is 18.05, the 30% one 5.7.
  const seeds = saliencySeeds(Float32Array.from({ length: 20 }, (_, i) => i));
  assert.equal([...seeds.mask], [0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]);
});

test('saliencySeeds refuses a flat map and one whose 95% quantile is its minimum, as DegenerateMapError (a RangeError)', () => {
  assertThrowsWith(() => saliencySeeds(new Float32Array(64).fill(0.25)), Degenerate, /the map is flat: no pixel lies above its 30% quantile/);
  const sparse = new Float32Array(100);
  sparse.fill(1, 0, 4); // 96 zeros: the 95% quantile is 0, so every pixel would be a foreground seed
  assertThrowsWith(() => saliencySeeds(sparse), RangeError, /no background: every pixel is at or above its 95% quantile/);
});

test('largestComponent matches the relaxation reference on random masks of awkward shapes and densities', () => {
  const shapes = [[1, 1], [1, 17], [19, 1], [7, 13], [64, 64], [33, 20]];
  for (const [h, w] of shapes) {
    for (const density of [0, 0.2, 0.45, 0.6, 1]) {
      const mask = Uint8Array.from({ length: h * w }, () => (random.uniform(0, 1) < density ? 1 : 0));
      const got = largestComponent(mask, h, w);
      const want = largestComponentReference(mask, h, w);
      assert.is(got.area, want.area, `${h}×${w} at ${density}`);
      assert.equal([...got.mask], [...want.mask], `${h}×${w} at ${density}`);
      if (want.area === 0) assert.equal(got.box, [0, 0, 0, 0]);
      else {
        const xs: number[] = [];
        const ys: number[] = [];
        want.mask.forEach((v, p) => v && (xs.push(p % w), ys.push(Math.floor(p / w))));
        assert.equal(got.box, [Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1]);
      }
    }
  }
});

test('largestComponent joins pixels that touch only at a corner (8-connectivity) and breaks ties by the first pixel', () => {
  // 1 . . 1
  // . 1 . 1
  // . . . .
  // 1 1 . .
  const mask = [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0];
  const { area, box, mask: out } = largestComponent(mask, 4, 4);
  assert.is(area, 2);
  assert.equal(box, [0, 0, 2, 2]);
  assert.equal([...out], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('boxIou, maskIou and centredBox on hand-checked cases', () => {
  assert.is(boxIou([0, 0, 4, 4], [2, 2, 6, 6]), 4 / 28);
  assert.is(boxIou([0, 0, 4, 4], [0, 0, 4, 4]), 1);
  assert.is(boxIou([0, 0, 4, 4], [4, 0, 8, 4]), 0);
  assert.is(boxIou([0, 0, 0, 0], [0, 0, 0, 0]), 0);
  assert.is(maskIou([1, 1, 0, 0], [0, 1, 1, 0]), 1 / 3);
  assert.is(maskIou([0, 0], [0, 0]), 1);
  assert.equal(centredBox(64, 64, 30.4, 25.6), [19, 17, 45, 47]);
  assert.equal(centredBox(5, 4, 9, 9), [0, 0, 4, 5]);
});

test('rgbBytes repeats grey to three channels and drops alpha', () => {
  assert.equal([...rgbBytes({ width: 2, height: 1, channels: 1, data: Uint8Array.of(7, 200) })], [7, 7, 7, 200, 200, 200]);
  assert.equal([...rgbBytes({ width: 1, height: 1, channels: 4, data: Uint8Array.of(1, 2, 3, 4) })], [1, 2, 3]);
});

/** OpenCV's own GrabCut called directly, as its documentation shows, from the seeds' mask. */
function directGrabCut(cv: OpenCv, rgb: Uint8Array, h: number, w: number, seeds: Uint8Array): Uint8Array {
  const image = new cv.Mat(h, w, cv.CV_8UC3);
  const mask = new cv.Mat(h, w, cv.CV_8UC1);
  const bgd = new cv.Mat();
  const fgd = new cv.Mat();
  image.data.set(rgb);
  mask.data.set(seeds);
  cv.grabCut(image, mask, new cv.Rect(0, 0, 0, 0), bgd, fgd, 5, cv.GC_INIT_WITH_MASK);
  const out = mask.data.map((v) => (v === cv.GC_FGD || v === cv.GC_PR_FGD ? 1 : 0));
  for (const m of [image, mask, bgd, fgd]) m.delete();
  return out;
}

test('segmentFromMap agrees with OpenCV’s own GrabCut run directly with the same seeds, then its largest component (IoU ≥ 0.95)', async () => {
  const cv = await openCv();
  let identical = 0;
  const shapes = [[64, 64], [24, 40], [33, 17], [48, 31]];
  for (let trial = 0; trial < 12; trial++) {
    const [h, w] = shapes[trial % shapes.length];
    const { image, map, object } = hiddenScene(random, h, w);
    const got = await segmentFromMap(image, map);
    const seeds = saliencySeeds(map);
    assert.equal([...got.seeds.mask], [...seeds.mask]);
    const direct = largestComponentReference(directGrabCut(cv, rgbBytes(image), h, w, seeds.mask), h, w).mask;
    const iou = maskIou(got.mask, direct);
    assert.ok(iou >= 0.95, `${h}×${w}: mask IoU ${iou} with OpenCV's direct GrabCut`);
    if (iou === 1) identical++;
    // And it found the object the map pointed at, not noise.
    assert.ok(maskIou(got.mask, object) > 0.7, `${h}×${w}: IoU ${maskIou(got.mask, object)} with the object`);
    assert.is(got.mask.reduce((a, v) => a + v, 0), got.area);
  }
  console.log(`    segmentFromMap: ${identical} of 12 masks identical to OpenCV's direct run`);
});

test('segmentFromMap on a grey image repeats it to RGB; the GrabCut labels it returns count both definite and probable foreground', async () => {
  const { image, map } = hiddenScene(random, 32, 32);
  const grey = { width: 32, height: 32, channels: 1 as const, data: image.data.filter((_, i) => i % 3 === 0) };
  const asRgb = { width: 32, height: 32, channels: 3 as const, data: rgbBytes(grey) };
  const a = await segmentFromMap(grey, map);
  const b = await segmentFromMap(asRgb, map);
  assert.ok(maskIou(a.mask, b.mask) >= 0.95);
  assert.ok(a.grabCutForeground >= a.area && a.area > 0);
  assert.ok(GC_PR_FGD === 3 && GC_FGD === 1);
});

test('segmentFromMap and grabCut refuse a map of another size, a flat map, a tiny image and starts GrabCut cannot use with one clear message, not a number', async () => {
  const { image, map } = hiddenScene(random, 16, 16);
  await assertRejectsWith(() => segmentFromMap(image, map.subarray(0, 255)), RangeError, /the map holds 255 values but the image is 16×16/);
  await assertRejectsWith(() => segmentFromMap(image, new Float32Array(256)), Degenerate, /flat/);
  const tiny = { width: 1, height: 1, channels: 3 as const, data: Uint8Array.of(1, 2, 3) };
  await assertRejectsWith(() => segmentFromMap(tiny, [0.5]), Degenerate, /flat/);
  // What OpenCV would assert in initGMMs (no background sample) is refused before it can throw.
  await assertRejectsWith(() => segmentFromBox(image, [0, 0, 16, 16]), RangeError, /covers the whole image, leaving no background/);
  await assertRejectsWith(() => segmentFromBox(image, [3, 3, 3, 9]), RangeError, /not a nonempty box/);
  const cv = await openCv();
  assertThrowsWith(() => grabCut(cv, rgbBytes(image), 16, 16, { mask: new Uint8Array(256).fill(GC_FGD) }), RangeError, /no pixel as background/);
  assertThrowsWith(() => grabCut(cv, rgbBytes(image), 16, 16, { mask: new Uint8Array(256).fill(GC_PR_BGD) }), RangeError, /no pixel as foreground/);
  assertThrowsWith(() => grabCut(cv, rgbBytes(image), 16, 16, { mask: new Uint8Array(256).fill(7) }), RangeError, /mask value 7 at pixel 0/);
});

test('thresholdSegment is the largest component of the map at or above its 95% quantile', () => {
  const fives = [11, 12, 33, 35, 66, 88];
  const map = Float32Array.from({ length: 100 }, (_, i) => (fives.includes(i) ? 5 : i === 50 ? 4 : 0));
  // 93 zeros, a 4 and six 5s: the 95% quantile (position 94.05) is 5, so the six 5s; only 11 and 12 touch.
  const { area, box } = thresholdSegment(map, 10, 10);
  assert.is(area, 2);
  assert.equal(box, [1, 1, 3, 2]);
});

/**
 * The heap's high-water mark: where a fresh 8 MiB block lands. Freed memory below it is reused, so a loop
 * that frees everything leaves it where it was, while leaked blocks push it up.
 */
function highWater(cv: OpenCv): number {
  const p = cv._malloc(8 << 20);
  cv._free(p);
  return p;
}

test('every Mat is deleted: the WebAssembly heap stays flat over 2,000 segmentations, refusals included, and a deliberate leak shows', async () => {
  const cv = await openCv();
  const { image, map } = hiddenScene(random, 16, 16);
  await segmentFromMap(image, map);
  const heapBefore = cv.HEAPU8.length;
  const markBefore = highWater(cv);
  for (let i = 0; i < 2000; i++) {
    await segmentFromMap(image, map);
    if (i % 100 === 0) await segmentFromBox(image, [0, 0, 16, 16]).catch(() => undefined); // refused, nothing allocated
    if (i % 100 === 50) await segmentFromBox(image, [3, 3, 12, 12]);
  }
  const markAfter = highWater(cv);
  assert.is(cv.HEAPU8.length, heapBefore, 'the heap grew');
  assert.ok(markAfter - markBefore < 64 << 10, `the heap's high-water mark rose by ${markAfter - markBefore} bytes`);
  // The control: the same measure after 2,000 runs' worth of forgotten image-sized Mats.
  const leaked = [];
  for (let i = 0; i < 2000; i++) leaked.push(new cv.Mat(16, 16, cv.CV_8UC3));
  const markLeaking = highWater(cv);
  for (const m of leaked) m.delete();
  assert.ok(markLeaking - markAfter >= 2000 * 16 * 16 * 3, `2,000 leaked Mats moved the mark by only ${markLeaking - markAfter} bytes`);
});

test.run();
