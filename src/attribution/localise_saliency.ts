import type { Box } from '../data/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import { RELU_RULES, type ReluRule } from '../shapes/mod.ts';
import { attribute, type AttributionMethod, type AttributionOptions } from './attribute.ts';
import { boxScores } from './box_scores.ts';
import { centredGaussian } from './centred_gaussian.ts';
import { saliencyMapsByRule, topClasses } from './saliency_maps.ts';

/** One scene with its ground truth: pixels (C, H, W) in [0, 1], its class, and its object's box. */
export interface LocalisationItem {
  readonly image: Float32Array;
  readonly label: number;
  readonly box: Box;
}

/** Scenes to localise in (a `ClutteredDataset` is one). */
export interface LocalisationSet {
  readonly name: string;
  readonly length: number;
  readonly input: { readonly channels: number; readonly height: number; readonly width: number };
  item(i: number): LocalisationItem;
}

/** Mean scores of one kind of map over a set. */
export interface LocalisationScores {
  /** The mean share of each map's mass inside its scene's box. */
  readonly inBox: number;
  /** The share of scenes whose map peaks inside the box. */
  readonly pointing: number;
}

/** What `localiseSaliency` measures. */
export interface Localisation {
  readonly count: number;
  /** Which class each map explains: the scene's true class, or the model's top one. */
  readonly target: 'label' | 'top';
  /** The share of scenes the model classifies correctly (top-1). */
  readonly accuracy: number;
  /** Each method's maps (the ReLU rules' saliency maps, and any other attribution method asked for). */
  readonly rules: ReadonlyMap<AttributionMethod, LocalisationScores>;
  /** Centred Gaussians of each σ (pixels), the same map for every scene. */
  readonly gaussians: ReadonlyMap<number, LocalisationScores>;
  /** The mean share of the image the box covers: a uniform map's mass in the box. */
  readonly boxArea: number;
}

/** Options of `localiseSaliency`. */
export interface LocaliseOptions {
  /** The attribution methods to score (default the three ReLU rules, which share one forward pass). */
  readonly rules?: readonly AttributionMethod[];
  /** Options of the methods other than the ReLU rules (steps, samples, layer, …; see `attribute`). */
  readonly methodOptions?: AttributionOptions;
  readonly target?: 'label' | 'top';
  readonly batchSize?: number;
  /** The σ of the centred-Gaussian baselines, in pixels (default an eighth, a quarter and half the side). */
  readonly sigmas?: readonly number[];
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * How well saliency maps localise objects they were never trained to find (Simonyan et al. 2014, section 6,
 * measured rather than shown): for every scene, the map of its true (or top) class under each rule, scored
 * by the share of its mass inside the ground-truth box and by the pointing game, beside centred-Gaussian
 * baselines scored the same way. Scenes run in batches, one forward pass per batch for all rules.
 *
 * @throws RangeError when the scenes do not fit the model, or an option is out of range.
 * @example
 * const result = await localiseSaliency(model, clutteredDataset(fashionTest, CLUTTERED_SEED + 1));
 */
export async function localiseSaliency(model: Classifier, scenes: LocalisationSet, options: LocaliseOptions = {}): Promise<Localisation> {
  const { channels, height, width } = model.info.input;
  const { input } = scenes;
  if (input.channels !== channels || input.height !== height || input.width !== width) {
    throw new RangeError(
      `localiseSaliency: ${scenes.name} holds ${input.channels}×${input.height}×${input.width} scenes but the model takes ${channels}×${height}×${width}`,
    );
  }
  const rules = options.rules ?? ['gradient', 'deconvnet', 'guided'];
  const target = options.target ?? 'label';
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`localiseSaliency: batch size ${batchSize} must be a positive integer`);
  const side = Math.min(height, width);
  const sigmas = options.sigmas ?? [side / 8, side / 4, side / 2];
  const gaussians = sigmas.map((sigma) => ({ sigma, map: centredGaussian(height, width, sigma) }));

  const plane = height * width;
  const size = channels * plane;
  const { mean, std } = model.info.normalize;
  const sums = {
    rules: new Map(rules.map((rule) => [rule, { inBox: 0, hits: 0 }])),
    gaussians: gaussians.map(() => ({ inBox: 0, hits: 0 })),
    boxArea: 0,
    correct: 0,
  };
  for (let start = 0; start < scenes.length; start += batchSize) {
    const n = Math.min(batchSize, scenes.length - start);
    const batch = new Float32Array(n * size);
    const items: LocalisationItem[] = [];
    for (let b = 0; b < n; b++) {
      const item = scenes.item(start + b);
      items.push(item);
      for (let i = 0; i < size; i++) {
        const c = Math.floor(i / plane);
        batch[b * size + i] = (item.image[i] - mean[c]) / std[c];
      }
    }
    const labels = items.map(({ label }) => label);
    const classes = target === 'label' ? labels : 'top';
    const reluRules = rules.filter((r): r is ReluRule => (RELU_RULES as readonly string[]).includes(r));
    const { maps: reluMaps, logits } = await saliencyMapsByRule(model, batch, n, classes, reluRules.length ? reluRules : ['gradient']);
    const maps = new Map<AttributionMethod, Float32Array>(reluMaps);
    for (const method of rules) {
      if (!maps.has(method)) maps.set(method, (await attribute(model, batch, n, classes, method, options.methodOptions)).maps);
    }
    topClasses(logits, n, model.classes).forEach((top, b) => {
      if (top === labels[b]) sums.correct++;
    });
    items.forEach(({ box }, b) => {
      for (const rule of rules) add(sums.rules.get(rule)!, boxScores(maps.get(rule)!.subarray(b * plane, (b + 1) * plane), height, width, box));
      gaussians.forEach(({ map }, g) => add(sums.gaussians[g], boxScores(map, height, width, box)));
      sums.boxArea += ((box[2] - box[0]) * (box[3] - box[1])) / plane;
    });
    options.onProgress?.(start + n, scenes.length);
  }
  const count = scenes.length;
  const mean_ = ({ inBox, hits }: { inBox: number; hits: number }): LocalisationScores => ({ inBox: inBox / count, pointing: hits / count });
  return {
    count,
    target,
    accuracy: sums.correct / count,
    rules: new Map(rules.map((rule) => [rule, mean_(sums.rules.get(rule)!)])),
    gaussians: new Map(gaussians.map(({ sigma }, g) => [sigma, mean_(sums.gaussians[g])])),
    boxArea: sums.boxArea / count,
  };
}

function add(sum: { inBox: number; hits: number }, { inBox, hit }: { inBox: number; hit: boolean }): void {
  sum.inBox += inBox;
  if (hit) sum.hits++;
}
