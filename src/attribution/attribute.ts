import { checkFiniteMaps } from './check_finite_maps.ts';
import type { Classifier } from '../graph/mod.ts';
import { RELU_RULES, type ReluRule } from '../shapes/mod.ts';
import { attributionBatch } from './attribution_batch.ts';
import { type AttributionMaps, chunkedMaps } from './chunked_maps.ts';
import { gradCamMaps } from './grad_cam_maps.ts';
import { gradientTimesInput } from './gradient_times_input.ts';
import { integratedGradients } from './integrated_gradients.ts';
import { saliencyMaps } from './saliency_maps.ts';
import { smoothGrad } from './smooth_grad.ts';

/**
 * Every way the engine draws a map of what a classifier looks at: the paper's gradient and the deconvnet and
 * guided-backpropagation rules of its backward pass, gradient × input, Integrated Gradients, SmoothGrad and
 * Grad-CAM.
 */
export const ATTRIBUTION_METHODS = [...RELU_RULES, 'gradxinput', 'ig', 'smoothgrad', 'gradcam'] as const;
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number];

/** The methods that run many copies of each image, and so report progress copy by copy. */
export const MULTI_PASS_METHODS: readonly AttributionMethod[] = ['ig', 'smoothgrad'];

/** The defaults of `AttributionOptions`, as the CLI's help states them. */
export const ATTRIBUTION_DEFAULTS = {
  steps: 32,
  samples: 50,
  noise: 0.15,
  smoothSquared: false,
  seed: 0,
  baseline: 0,
} as const;

/** Options of `attribute`; each is read only by the methods named. */
export interface AttributionOptions {
  /** `ig`: m, the midpoint rule's steps, a whole number ≥ 1 (default 32). */
  readonly steps?: number;
  /** `smoothgrad`: noisy copies per image, a whole number ≥ 1 (default 50). */
  readonly samples?: number;
  /** `smoothgrad`: σ as a fraction of each image's range max x − min x, finite and ≥ 0 (default 0.15). */
  readonly noise?: number;
  /** `smoothgrad`: SmoothGrad-Squared, the mean of the squared gradients (default false). */
  readonly smoothSquared?: boolean;
  /** `smoothgrad`: the noise's seed, a whole number in [0, 2³²) (default 0). */
  readonly seed?: number;
  /** `ig`: the constant baseline x' in normalised units, finite (default 0). */
  readonly baseline?: number;
  /** `gradcam`: the spatial output whose feature maps are weighed (default: `gradCamLayer`'s choice). */
  readonly layer?: string;
  /**
   * Images, or copies of images, per forward and backward pass, a whole number ≥ 1 (default
   * `attributionBatch(model)`, what fits a memory budget derived from the adapter's limits).
   */
  readonly batch?: number;
  /**
   * Called as passes finish with (done, total): maps for the one-pass methods, copies (images × steps or
   * samples) for `ig` and `smoothgrad`.
   */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Throws a RangeError naming the option and its rule for any option out of its range (whatever the
 * method); returns nothing. The CLI calls it before any work.
 */
export function checkAttributionOptions(options: AttributionOptions): void {
  const whole = (name: string, value: number | undefined, low: number, high = Infinity) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= low && value <= high)) {
      throw new RangeError(`attribute: ${name} must be a whole number ${high === Infinity ? `≥ ${low}` : `in [${low}, ${high}]`}, got ${value}`);
    }
  };
  whole('steps', options.steps, 1);
  whole('samples', options.samples, 1);
  whole('batch', options.batch, 1);
  whole('seed', options.seed, 0, 0xffffffff);
  if (options.noise !== undefined && !(Number.isFinite(options.noise) && options.noise >= 0)) {
    throw new RangeError(`attribute: noise must be finite and ≥ 0, got ${options.noise}`);
  }
  if (options.baseline !== undefined && !Number.isFinite(options.baseline)) {
    throw new RangeError(`attribute: baseline must be finite, got ${options.baseline}`);
  }
}

/**
 * The maps of `method` for a batch: (n, H, W), unscaled, for each image's class (`'top'`: its own top
 * class), with the logits of the unperturbed input (and, for `ig`, each image's completeness gap). The
 * one entry point that commands, the demo and the evaluation call, whatever the method. With x the
 * normalised input and S_c the unnormalised score:
 * - `gradient`, `deconvnet`, `guided`: maxᶜ |∂S_c/∂x| under the ReLU rule (Simonyan et al. 2014);
 * - `gradxinput`: maxᶜ |x ⊙ ∂S_c/∂x|;
 * - `ig`: maxᶜ |(x − x') ⊙ (1/m) Σ_{k=1..m} ∂S_c/∂x at x' + ((k − ½)/m)(x − x')|, x' = `baseline`, m = `steps`;
 * - `smoothgrad`: maxᶜ |mean of ∂S_c/∂x at x + ε| over `samples` copies, ε ~ N(0, σ²), σ = `noise` ·
 *   (max x − min x) per image (`smoothSquared`: maxᶜ of the mean of the squared gradients);
 * - `gradcam`: ReLU(Σ_k w_k A_k), w_k the spatial mean of ∂S_c/∂A_k, A the feature maps of `layer`,
 *   upsampled bilinearly with half-pixel centres to (H, W).
 * Images run `batch` at a time; `ig` and `smoothgrad` run their copies `batch` at a time too.
 * @throws RangeError for an unknown method, an option out of range, an input that does not hold n images,
 * a class out of range, (`gradcam`) a layer that names no spatial output, or scores or maps that are not
 * finite (`checkFiniteMaps`).
 * @example
 * const { maps, completeness } = await attribute(model, input, 1, 'top', 'ig', { steps: 64 });
 */
export async function attribute(
  model: Classifier,
  input: Float32Array,
  n: number,
  classes: readonly number[] | 'top',
  method: AttributionMethod,
  options: AttributionOptions = {},
): Promise<AttributionMaps> {
  if (!ATTRIBUTION_METHODS.includes(method)) {
    throw new RangeError(`attribute: no method "${method}"; known: ${ATTRIBUTION_METHODS.join(', ')}`);
  }
  checkAttributionOptions(options);
  if (!Number.isInteger(n) || n < 1 || input.length !== n * model.inputSize) {
    throw new RangeError(`attribute: input has ${input.length} values but ${n} images need ${n} × ${model.inputSize}`);
  }
  if (classes !== 'top') model.oneHot(n, classes);
  if (method === 'gradcam') {
    // Refused before any work: a model without a spatial stage, or a layer it does not have.
    const outputs = model.spatialOutputs();
    if (outputs.length === 0) throw new RangeError('gradcam: the model has no spatial output (no convolutional stage) to weigh');
    if (options.layer !== undefined && !outputs.some((o) => o.name === options.layer)) {
      throw new RangeError(`gradcam: layer "${options.layer}" is not a spatial output of the model; they are ${outputs.map((o) => o.name).join(', ')}`);
    }
  }
  const batch = options.batch ?? attributionBatch(model);
  const { height, width } = model.info.input;
  const size = model.inputSize;
  const part = (start: number, count: number) => ({
    input: input.subarray(start * size, (start + count) * size),
    classes: classes === 'top' ? ('top' as const) : classes.slice(start, start + count),
  });
  const multi = MULTI_PASS_METHODS.includes(method);
  // Copies of the images before this run count as done in the progress of the multi-pass methods.
  const copies = method === 'ig' ? (options.steps ?? ATTRIBUTION_DEFAULTS.steps) : (options.samples ?? ATTRIBUTION_DEFAULTS.samples);
  const progressFrom = (start: number) => options.onProgress && ((done: number) => options.onProgress!(start * copies + done, n * copies));
  const result = await chunkedMaps(n, batch, height * width, model.classes, (start, count) => {
    const { input: x, classes: c } = part(start, count);
    switch (method) {
      case 'gradxinput':
        return gradientTimesInput(model, x, count, c);
      case 'gradcam':
        return gradCamMaps(model, x, count, c, options.layer);
      case 'ig':
        return integratedGradients(model, x, count, c, {
          steps: options.steps ?? ATTRIBUTION_DEFAULTS.steps,
          baseline: options.baseline ?? ATTRIBUTION_DEFAULTS.baseline,
          batch,
          onProgress: progressFrom(start),
        });
      case 'smoothgrad':
        return smoothGrad(model, x, count, c, {
          samples: options.samples ?? ATTRIBUTION_DEFAULTS.samples,
          noise: options.noise ?? ATTRIBUTION_DEFAULTS.noise,
          squared: options.smoothSquared ?? ATTRIBUTION_DEFAULTS.smoothSquared,
          seed: options.seed ?? ATTRIBUTION_DEFAULTS.seed,
          batch,
          firstImage: start,
          onProgress: progressFrom(start),
        });
      default:
        return saliencyMaps(model, x, count, c, method as ReluRule);
    }
  }, multi ? undefined : options.onProgress);
  checkFiniteMaps(result, n, method);
  return result;
}
