import { jitterShifts } from '../../src/attribution/mod.ts';
import { initVggWeights, vggLayers, type VggSpec } from '../../src/model/mod.ts';
import type { Random } from '../../src/random/mod.ts';
import { anchoredAscentStep, ascentStep, gaussianBlur2d, referenceVggBackward, referenceVggForward, type ReferenceWeights, roll2d } from '../../src/reference/mod.ts';

/** The image priors of `classModels`: the first four given, or none (the paper's ascent); the rest as they are. */
export interface ReferencePriors {
  readonly jitter: number;
  readonly blur: number;
  readonly blurEvery: number;
  readonly seed: number;
  readonly gradientBlur?: number;
  readonly anchor?: Float32Array;
  readonly bounds?: { readonly lower: readonly number[]; readonly upper: readonly number[] };
}

/** What `referenceClassModel` returns. */
export interface ReferenceClassModel {
  /** The final image, (C, H, W). */
  readonly image: Float64Array;
  /** S_c before each step and at the end: steps + 1 values. */
  readonly scores: readonly number[];
  /**
   * How far the trajectory stays from a kink of the network: the smallest |input| of any ReLU and the
   * smallest gap between the two largest different values of a max-pool window, over every step. Where it
   * is within float32 rounding of 0, the GPU may take the other side of the kink and follow another,
   * equally right, path; exact ties (the zero image's constant activations) resolve alike on both sides.
   */
  readonly margin: number;
}

/**
 * Class-model ascent in float64 (Simonyan et al. 2014, section 2): from the zero image,
 * I ← I + η (∂S_c/∂I − 2λI) with the reference gradient; with `priors`, the gradient taken at the image
 * rolled by the step's shift and rolled back, then blurred by `gradientBlur`, the step taken from and
 * about `anchor` within `bounds` when either is given, and the image blurred after every `blurEvery`-th step. The
 * scores are those of the images the forward passes saw (shifted), the last one unshifted.
 */
export function referenceClassModel(
  spec: VggSpec,
  weights: ReferenceWeights,
  c: number,
  steps: number,
  learningRate: number,
  l2: number,
  priors?: ReferencePriors,
): ReferenceClassModel {
  const { channels, height, width } = spec.input;
  const shape = { n: 1, c: channels, h: height, w: width };
  const shifts = jitterShifts(steps, priors?.jitter ?? 0, priors?.seed ?? 1);
  const layers = vggLayers(spec);
  const dLogits = new Float64Array(spec.labels.length);
  dLogits[c] = 1;
  let image: Float64Array = priors?.anchor ? Float64Array.from(priors.anchor) : new Float64Array(channels * height * width);
  const anchored = priors?.anchor || priors?.bounds;
  const anchor = priors?.anchor ?? new Float64Array(image.length);
  const bounds = priors?.bounds ?? { lower: Array<number>(channels).fill(-Infinity), upper: Array<number>(channels).fill(Infinity) };
  const scores: number[] = [];
  let margin = Infinity;
  for (let step = 0; ; step++) {
    const [dy, dx] = step < steps ? shifts[step] : [0, 0];
    const forward = referenceVggForward(spec, weights, roll2d(shape, image, dy, dx), 1);
    scores.push(forward.logits[c]);
    for (const [i, layer] of layers.entries()) {
      const x = forward.activations[i];
      if (layer.kind === 'relu') for (const v of x) margin = Math.min(margin, Math.abs(v));
      if (layer.kind === 'maxpool') margin = Math.min(margin, poolMargin(x, layer.channels, layer.height, layer.width));
    }
    if (step === steps) break;
    let gradient = roll2d(shape, referenceVggBackward(spec, weights, forward, dLogits, 'gradient').dInput, -dy, -dx);
    if (priors?.gradientBlur) gradient = gaussianBlur2d(shape, gradient, priors.gradientBlur);
    image = anchored ? anchoredAscentStep(image, gradient, anchor, bounds, learningRate, l2) : ascentStep(image, gradient, learningRate, l2);
    if (priors && priors.blur > 0 && (step + 1) % priors.blurEvery === 0) image = gaussianBlur2d(shape, image, priors.blur);
  }
  return { image, scores, margin };
}

/** The smallest gap between the largest and the next different value in any 2×2 window (floor mode). */
function poolMargin(x: Float64Array, channels: number, height: number, width: number): number {
  let margin = Infinity;
  for (let k = 0; k < channels; k++) {
    for (let y = 0; y + 1 < height; y += 2) {
      for (let x0 = 0; x0 + 1 < width; x0 += 2) {
        const at = (dy: number, dx: number) => x[(k * height + y + dy) * width + x0 + dx];
        const values = [at(0, 0), at(0, 1), at(1, 0), at(1, 1)].sort((a, b) => b - a);
        const next = values.find((v) => v !== values[0]);
        if (next !== undefined) margin = Math.min(margin, values[0] - next);
      }
    }
  }
  return margin;
}

/**
 * Activations within this of a kink may land on its other side in float32 (their rounding is about 1e-7
 * of values of order 1): a comparison along such a trajectory tests the kink, not the code.
 */
export const KINK_MARGIN = 1e-5;

/**
 * Weights (He, biases in ±0.1) and classes whose float64 class-model trajectories all keep `KINK_MARGIN`
 * clear of every kink: with `count` 1, the first such class from a random start; with `all`, every class.
 * Draws new weights until it finds them (deterministic for a seed).
 * @throws Error after 20 draws, naming the seed.
 */
export function wellPosedClassModels(
  spec: VggSpec,
  random: Random,
  count: 1 | 'all',
  steps: number,
  learningRate: number,
  l2: number,
  priors?: ReferencePriors,
) {
  const classes = spec.labels.length;
  for (let draw = 0; draw < 20; draw++) {
    const weights = initVggWeights(spec, random, { bias: 0.1 });
    const start = random.int(classes);
    const chosen: number[] = [];
    const references: ReferenceClassModel[] = [];
    for (let k = 0; k < classes && (count === 'all' || chosen.length < count); k++) {
      const c = (start + k) % classes;
      const reference = referenceClassModel(spec, weights, c, steps, learningRate, l2, priors);
      if (reference.margin >= KINK_MARGIN) {
        chosen.push(c);
        references.push(reference);
      } else if (count === 'all') {
        break;
      }
    }
    if (chosen.length === (count === 'all' ? classes : count)) return { weights, classes: chosen, references };
  }
  throw new Error(`no weights in 20 draws keep the class-model ascent clear of kinks (seed ${random.seed})`);
}
