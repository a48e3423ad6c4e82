import { ATTRIBUTION_METHODS, type AttributionMethod, type AttributionOptions, attribute, topClasses } from '../attribution/mod.ts';
import type { Box } from '../data/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import { boxIou } from './box_iou.ts';
import { centredBox } from './centred_box.ts';
import { DegenerateMapError } from './degenerate_map_error.ts';
import type { Component } from './largest_component.ts';
import { maskIou } from './mask_iou.ts';
import { scenePixels } from './scene_pixels.ts';
import { segmentFromBox } from './segment_from_box.ts';
import { segmentFromMap } from './segment_from_map.ts';
import { thresholdSegment } from './threshold_segment.ts';

/** One scene with its ground truth: pixels (3, H, W) in [0, 1], class, object mask (H, W) and box. */
export interface SegmentationItem {
  readonly image: Float32Array;
  readonly label: number;
  readonly mask: Uint8Array;
  readonly box: Box;
}

/** Scenes with ground-truth masks and boxes (a `ClutteredDataset` is one). */
export interface SegmentationSet {
  readonly name: string;
  readonly length: number;
  readonly input: { readonly channels: number; readonly height: number; readonly width: number };
  item(i: number): SegmentationItem;
}

/** How one way of finding the object scores over a set. */
export interface SegmentationScores {
  /** Mean IoU of the object mask with the ground-truth mask. */
  readonly maskIou: number;
  /** Mean IoU of the box with the ground-truth box. */
  readonly boxIou: number;
  /** Localisation error, the ILSVRC criterion: the share of scenes whose box IoU is below 0.5. */
  readonly error: number;
  /** Scenes whose map could not seed GrabCut (flat, or no background seed): scored as IoU 0. */
  readonly failures: number;
}

/** A method's scores for the maps of one class choice. */
export interface MethodSegmentation {
  /** The paper's recipe: seeds from the map, GrabCut, the largest component. */
  readonly grabCut: SegmentationScores;
  /** Baseline: the map at or above its 95% quantile, its largest component, no GrabCut. */
  readonly threshold: SegmentationScores;
}

/** What `localiseSegmentation` measures. */
export interface SegmentationLocalisation {
  readonly count: number;
  /** The share of scenes the model classifies correctly (top-1). */
  readonly accuracy: number;
  /** The centred box of the split's mean box size (width, height rounded) that the baselines use. */
  readonly centredBox: Box;
  /** Per method, for the maps of the true class and of the top class. */
  readonly methods: ReadonlyMap<AttributionMethod, { readonly truth: MethodSegmentation; readonly top: MethodSegmentation }>;
  /** Baseline: GrabCut started from the centred box (GC_INIT_WITH_RECT), its largest component. */
  readonly grabCutFromBox: SegmentationScores;
  /** Baseline: the centred box itself (its mask the filled box). */
  readonly centred: SegmentationScores;
}

/** Options of `localiseSegmentation`. */
export interface SegmentationLocaliseOptions {
  readonly methods?: readonly AttributionMethod[];
  /** The methods' own options (IG's steps, SmoothGrad's samples, Grad-CAM's layer, …), for every scene. */
  readonly methodOptions?: AttributionOptions;
  readonly batchSize?: number;
  /** The mean box [width, height] the centred baselines use; default: measured over every scene of the set. */
  readonly meanBoxSize?: readonly [width: number, height: number];
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The paper's weakly supervised segmentation (Simonyan et al. 2014, section 6) measured against ground truth:
 * for every scene and method, the map of the true class and of the top class, segmented with
 * `segmentFromMap`, scored by mask IoU, box IoU and localisation error (box IoU < 0.5), beside three
 * baselines: the map's 95% quantile without GrabCut, GrabCut from a centred box of the set's mean box size,
 * and that box itself. Where the top class is the true one its map is the same, so its segmentation is
 * reused rather than run again.
 * @throws RangeError when the scenes do not fit the model, or an option is out of range.
 */
export async function localiseSegmentation(
  model: Classifier,
  scenes: SegmentationSet,
  options: SegmentationLocaliseOptions = {},
): Promise<SegmentationLocalisation> {
  const { channels, height, width } = model.info.input;
  const { input } = scenes;
  if (input.channels !== channels || input.height !== height || input.width !== width || (channels !== 1 && channels !== 3)) {
    throw new RangeError(
      `localiseSegmentation: ${scenes.name} holds ${input.channels}×${input.height}×${input.width} scenes but the model takes ${channels}×${height}×${width}`,
    );
  }
  const methods = options.methods ?? ATTRIBUTION_METHODS;
  for (const method of methods) {
    if (!ATTRIBUTION_METHODS.includes(method)) throw new RangeError(`localiseSegmentation: no method "${method}"; known: ${ATTRIBUTION_METHODS.join(', ')}`);
  }
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`localiseSegmentation: batch size ${batchSize} must be a positive integer`);
  const [meanWidth, meanHeight] = options.meanBoxSize ?? meanBoxSize(scenes);
  const centred = centredBox(height, width, meanHeight, meanWidth);
  const centredMask = boxMask(centred, height, width);

  const plane = height * width;
  const size = channels * plane;
  const { mean, std } = model.info.normalize;
  const sums = {
    methods: new Map(methods.map((m) => [m, { truth: { grabCut: new Sum(), threshold: new Sum() }, top: { grabCut: new Sum(), threshold: new Sum() } }])),
    grabCutFromBox: new Sum(),
    centred: new Sum(),
    correct: 0,
  };
  for (let start = 0; start < scenes.length; start += batchSize) {
    const n = Math.min(batchSize, scenes.length - start);
    const batch = new Float32Array(n * size);
    const items: SegmentationItem[] = [];
    for (let b = 0; b < n; b++) {
      const item = scenes.item(start + b);
      items.push(item);
      for (let i = 0; i < size; i++) batch[b * size + i] = (item.image[i] - mean[Math.floor(i / plane)]) / std[Math.floor(i / plane)];
    }
    const labels = items.map(({ label }) => label);
    const pixels = items.map(({ image }) => scenePixels(image, channels as 1 | 3, height, width));
    let tops: number[] | undefined;
    for (const method of methods) {
      const truthMaps = await attribute(model, batch, n, labels, method, options.methodOptions);
      tops ??= topClasses(truthMaps.logits, n, model.classes);
      const wrong = tops.some((top, b) => top !== labels[b]);
      const topMaps = wrong ? await attribute(model, batch, n, tops, method, options.methodOptions) : truthMaps;
      const sum = sums.methods.get(method)!;
      for (let b = 0; b < n; b++) {
        const { mask, box } = items[b];
        const truthMap = truthMaps.maps.subarray(b * plane, (b + 1) * plane);
        const truth = await scoreMap(pixels[b], truthMap, mask, box);
        sum.truth.grabCut.add(truth.grabCut);
        sum.truth.threshold.add(truth.threshold);
        const top = tops[b] === labels[b] ? truth : await scoreMap(pixels[b], topMaps.maps.subarray(b * plane, (b + 1) * plane), mask, box);
        sum.top.grabCut.add(top.grabCut);
        sum.top.threshold.add(top.threshold);
      }
    }
    tops ??= topClasses((await attribute(model, batch, n, labels, 'gradient')).logits, n, model.classes);
    for (let b = 0; b < n; b++) {
      const { mask, box } = items[b];
      if (tops[b] === labels[b]) sums.correct++;
      sums.centred.add(score({ mask: centredMask, box: centred }, mask, box));
      sums.grabCutFromBox.add(score(await segmentFromBox(pixels[b], centred), mask, box));
    }
    options.onProgress?.(start + n, scenes.length);
  }
  const count = scenes.length;
  return {
    count,
    accuracy: sums.correct / count,
    centredBox: centred,
    methods: new Map(
      methods.map((m) => {
        const s = sums.methods.get(m)!;
        return [m, { truth: { grabCut: s.truth.grabCut.mean(count), threshold: s.truth.threshold.mean(count) }, top: { grabCut: s.top.grabCut.mean(count), threshold: s.top.threshold.mean(count) } }];
      }),
    ),
    grabCutFromBox: sums.grabCutFromBox.mean(count),
    centred: sums.centred.mean(count),
  };
}

/** The mean [width, height] of the boxes of every scene in the set. */
export function meanBoxSize(scenes: SegmentationSet): [width: number, height: number] {
  let w = 0;
  let h = 0;
  for (let i = 0; i < scenes.length; i++) {
    const [x0, y0, x1, y1] = scenes.item(i).box;
    w += x1 - x0;
    h += y1 - y0;
  }
  return [w / scenes.length, h / scenes.length];
}

interface SceneScore {
  readonly maskIou: number;
  readonly boxIou: number;
  readonly failed: boolean;
}

class Sum {
  private maskIou = 0;
  private boxIou = 0;
  private misses = 0;
  private failures = 0;
  add(s: SceneScore): void {
    this.maskIou += s.maskIou;
    this.boxIou += s.boxIou;
    if (s.boxIou < 0.5) this.misses++;
    if (s.failed) this.failures++;
  }
  mean(count: number): SegmentationScores {
    return { maskIou: this.maskIou / count, boxIou: this.boxIou / count, error: this.misses / count, failures: this.failures };
  }
}

function score(found: Pick<Component, 'mask' | 'box'>, mask: Uint8Array, box: Box): SceneScore {
  return { maskIou: maskIou(found.mask, mask), boxIou: boxIou(found.box, box), failed: false };
}

const FAILED: SceneScore = { maskIou: 0, boxIou: 0, failed: true };

async function scoreMap(
  image: ReturnType<typeof scenePixels>,
  map: Float32Array,
  mask: Uint8Array,
  box: Box,
): Promise<{ grabCut: SceneScore; threshold: SceneScore }> {
  const { height, width } = image;
  let grabCut: SceneScore;
  try {
    grabCut = score(await segmentFromMap(image, map), mask, box);
  } catch (error) {
    if (!(error instanceof DegenerateMapError)) throw error;
    grabCut = FAILED;
  }
  return { grabCut, threshold: score(thresholdSegment(map, height, width), mask, box) };
}

function boxMask([x0, y0, x1, y1]: Box, height: number, width: number): Uint8Array {
  const mask = new Uint8Array(height * width);
  for (let y = y0; y < y1; y++) mask.fill(1, y * width + x0, y * width + x1);
  return mask;
}
