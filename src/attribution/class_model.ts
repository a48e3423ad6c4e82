import type { GpuTensor } from '../gpu/mod.ts';
import type { ModelInfo } from '../graph/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import { anchoredAscentStep, ascentStep, gaussianBlur2d, MAX_BLUR_SIGMA, roll2d } from '../nn/mod.ts';
import { Random } from '../random/mod.ts';

/**
 * Defaults for `classModel`, in units of the normalised input, where a natural image has values of about
 * ±2 and a root mean square near 1. The paper (section 2) gives the method, L2-regularised gradient ascent
 * from the zero image, but no step size, λ or step count. The ascent settles where ∂S_c/∂I = 2λI, so λ
 * sets the class model's scale: on the small VGGs trained here (Fashion-MNIST at 86%, per-pixel gradients
 * of about 0.02), λ = 0.02 settles at a root mean square near 1, the scale of a real image, where 0.005
 * is still growing after 200 steps (rms 3 to 6, max 30) and 0.1 stays faint (rms 0.25). The regulariser
 * shrinks I by 1 − 2ηλ a step, so η = 1 forgets the start within about 50 steps and the score has
 * levelled off (within 5%) by 200.
 */
export const CLASS_MODEL_DEFAULTS = { steps: 200, learningRate: 1, l2: 0.02 } as const;

/**
 * Image priors beyond the paper's L2 penalty that make the class models of the small VGGs trained here
 * look like their classes: the ascent on the image shifted by up to ±3 pixels at random each step (jitter,
 * Mordvintsev et al. 2015), and a Gaussian blur of σ = 0.5 pixels every 4 steps (Yosinski et al. 2015),
 * over twice the steps. Chosen by eye on vgg-fashion (README, the contact sheet): jitter ±1 leaves more
 * speckle, and ±3 gives the T-shirt its shoulders and the sneaker its sole where ±2 did not; blur σ = 1
 * every step, or clipping to the pixel range, smooths the evidence away (scores ten times lower, blobs).
 */
export const CLASS_MODEL_PRIORS = { steps: 400, jitter: 3, blur: 0.5, blurEvery: 4 } as const;

/**
 * The mean-image prior, for a model that carries its training set's mean image (`deepinside train`
 * writes it): the paper's ascent transposed to a network normalised per channel. The paper's networks
 * subtract the mean image pixel by pixel, so its zero image, where the ascent starts and where λ‖I‖²
 * pulls it back, is the mean image; a per-channel network's zero input is a flat grey. Here the ascent
 * starts from the mean image and is pulled back to it (λ‖I − mean‖²), every pixel stays one a real image
 * could have (clamped to [0, 1]), and each step's gradient is blurred (σ = 1 pixel) and taken at an image
 * jittered by up to ±2 pixels. On vgg-fashion this draws items on a black ground, a T-shirt with its
 * sleeves, two trouser legs, a bag with its handle, where the flat start drew textures of strokes. Chosen
 * by eye on vgg-fashion (README, "Class models"): without the gradient's blur the items come in streaks,
 * and without the clamp they leave the pixel range and the display washes them out.
 */
export const CLASS_MODEL_MEAN_PRIOR = { steps: 400, learningRate: 0.5, l2: 0.02, jitter: 2, gradientBlur: 1 } as const;

/**
 * The mean-image prior's options for `classModels`: the anchor and bounds in the model's normalised units
 * (the mean image, (C, H, W) pixels in [0, 1], normalised as the spec says, and each channel's [0, 1] pixel
 * range), with `CLASS_MODEL_MEAN_PRIOR`'s jitter and gradient blur. Steps, η and λ are the caller's.
 * @throws RangeError when the mean image is not one input image of the spec.
 */
export function meanImagePrior(spec: ModelInfo, meanImage: Float32Array): Required<Pick<ClassModelOptions, 'anchor' | 'bounds' | 'jitter' | 'gradientBlur'>> {
  const { channels, height, width } = spec.input;
  const plane = height * width;
  if (meanImage.length !== channels * plane) {
    throw new RangeError(`classModel: the mean image has ${meanImage.length} values but the model's input is ${channels}×${height}×${width}`);
  }
  const { mean, std } = spec.normalize;
  const anchor = meanImage.map((p, i) => (p - mean[Math.floor(i / plane)]) / std[Math.floor(i / plane)]);
  const lower = mean.map((m, c) => (0 - m) / std[c]);
  const upper = mean.map((m, c) => (1 - m) / std[c]);
  const { jitter, gradientBlur } = CLASS_MODEL_MEAN_PRIOR;
  return { anchor, bounds: { lower, upper }, jitter, gradientBlur };
}

/** Options of `classModel`; every number defaults to `CLASS_MODEL_DEFAULTS`. */
export interface ClassModelOptions {
  readonly steps?: number;
  /** η, the step size on the normalised input. */
  readonly learningRate?: number;
  /** λ of the regulariser λ‖I‖². */
  readonly l2?: number;
  /** Shift the image by up to ±jitter pixels (each way, uniformly, wrapping round) before each step; 0: never. */
  readonly jitter?: number;
  /** σ in pixels of a Gaussian blur of the image every `blurEvery` steps; 0: never. */
  readonly blur?: number;
  /** How many steps between blurs (default 4). */
  readonly blurEvery?: number;
  /**
   * I₀, one (C, H, W) image in normalised units: the ascent starts from it and the regulariser becomes
   * λ‖I − I₀‖² (default: the zero image). `meanImagePrior` gives the model's mean image.
   */
  readonly anchor?: Float32Array;
  /** Each channel's lowest and highest value of I (normalised): every step ends by clamping to them. */
  readonly bounds?: { readonly lower: readonly number[]; readonly upper: readonly number[] };
  /** σ in pixels of a Gaussian blur of every step's gradient before it is applied; 0: never. */
  readonly gradientBlur?: number;
  /** Seeds the jitter's shifts (default 1): the same seed, the same class model. */
  readonly seed?: number;
  /**
   * Called after the start and after every step with the step number (0 for the zero image), S_c, and the
   * tensor that holds the image so far (unshifted, in normalised units), to draw it.
   */
  readonly onStep?: (step: number, score: number, image: GpuTensor) => void | Promise<void>;
}

/** What `classModel` returns. */
export interface ClassModel {
  /** The optimised image I, (C, H, W) float32 in normalised units: `inputToImage(spec, input, 'stretch')` shows it. */
  readonly input: Float32Array;
  /** S_c at the zero image and after each step: steps + 1 values. */
  readonly scores: Float32Array;
}

/** Options of `classModels`: those of `classModel`, with every class's score reported at each step. */
export interface ClassModelsOptions extends Omit<ClassModelOptions, 'onStep'> {
  /** Called after the start and after every step with the step number, each class's S_c, in order, and the images so far. */
  readonly onStep?: (step: number, scores: Float32Array, images: GpuTensor) => void | Promise<void>;
}

/**
 * Class-model visualisation (Simonyan et al. 2014, section 2): the image I that maximises S_c(I) − λ‖I‖²,
 * found by gradient ascent from the zero image (which is the mean image, once normalised): repeatedly
 * I ← I + η (∂S_c/∂I − 2λI), each step one forward and one backward pass and `ascentStep` in place on the
 * model's input tensor. S_c is the unnormalised score, so the ascent cannot win by lowering other classes.
 * With `jitter`, each step takes the gradient at the image shifted by `jitterShifts`'s (dy, dx), shifted
 * back; with `gradientBlur`, that gradient is blurred; with `anchor` and `bounds`, the step is
 * I ← clamp(I + η (∂S_c/∂I − 2λ (I − I₀)), lower, upper) from I₀; with `blur`, every `blurEvery`-th step ends
 * by blurring the image. The score reported after the last step is that of the final image, unshifted.
 *
 * @throws RangeError for a class out of range, a step count that is not a whole number ≥ 0, a learning rate
 *   that is not positive or a λ that is negative, an anchor or bounds that do not fit the model, and when
 *   the ascent diverges (a score that is not finite).
 * @example
 * const { input } = await classModel(model, 3, { onStep: (step, score) => console.log(step, score) });
 */
export async function classModel(model: Classifier, classIndex: number, options: ClassModelOptions = {}): Promise<ClassModel> {
  const { onStep, ...rest } = options;
  const [result] = await classModels(model, [classIndex], { ...rest, ...(onStep ? { onStep: (step, scores, image) => onStep(step, scores[0], image) } : {}) });
  return result;
}

/**
 * `classModel` for several classes at once: one ascent per class, run side by side as one batch (the
 * images never meet: each row of the batch has its own one-hot score), so that each step is one forward
 * and one backward pass of n images rather than n passes of one. Mind the GPU memory a batch of n needs.
 *
 * @throws RangeError as `classModel`, and for an empty list of classes.
 */
export async function classModels(model: Classifier, classes: readonly number[], options: ClassModelsOptions = {}): Promise<ClassModel[]> {
  const { steps = CLASS_MODEL_DEFAULTS.steps, learningRate = CLASS_MODEL_DEFAULTS.learningRate, l2 = CLASS_MODEL_DEFAULTS.l2 } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`classModel: steps must be a whole number ≥ 0, got ${steps}`);
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`classModel: the learning rate must be positive and finite, got ${learningRate}`);
  }
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`classModel: λ must be ≥ 0 and finite, got ${l2}`);
  const { jitter = 0, blur = 0, blurEvery = 4, seed = 1 } = options;
  if (!Number.isInteger(jitter) || jitter < 0) throw new RangeError(`classModel: the jitter must be a whole number of pixels ≥ 0, got ${jitter}`);
  if (!(blur === 0 || (blur > 0 && blur <= MAX_BLUR_SIGMA))) throw new RangeError(`classModel: the blur's σ must be 0 (none) or in (0, ${MAX_BLUR_SIGMA}] pixels, got ${blur}`);
  if (!Number.isInteger(blurEvery) || blurEvery < 1) throw new RangeError(`classModel: blurEvery must be a whole number ≥ 1, got ${blurEvery}`);
  const { anchor, bounds, gradientBlur = 0 } = options;
  if (!(gradientBlur === 0 || (gradientBlur > 0 && gradientBlur <= MAX_BLUR_SIGMA))) {
    throw new RangeError(`classModel: the gradient blur's σ must be 0 (none) or in (0, ${MAX_BLUR_SIGMA}] pixels, got ${gradientBlur}`);
  }
  checkAnchor(model, anchor, bounds);
  const n = classes.length;
  if (n === 0) throw new RangeError('classModels: no class given');
  const dLogits = model.oneHot(n, classes);
  const gpu = model.gpu;
  const { channels: c, height: h, width: w } = model.info.input;
  const shape = { n, c, h, w };
  const scores = Array.from({ length: n }, () => new Float32Array(steps + 1));
  const shifts = jitterShifts(steps, jitter, seed);
  // With priors the image lives apart from the model's input, which holds its shifted copy.
  const own: GpuTensor[] = [];
  const scratch = (label: string, length = n * model.inputSize) => {
    const tensor = gpu.tensor(length, label);
    own.push(tensor);
    return tensor;
  };
  const start = new Float32Array(n * model.inputSize);
  if (anchor) for (let i = 0; i < n; i++) start.set(anchor, i * model.inputSize);
  await model.forward(start, n);
  let image = jitter > 0 || blur > 0 ? scratch('class model image') : model.input;
  const gradient = jitter > 0 ? scratch('class model gradient') : model.inputGradient;
  // What the step applies: the gradient, or its blurred copy.
  const applied = gradientBlur > 0 ? scratch('class model blurred gradient') : gradient;
  let blurred = blur > 0 ? scratch('class model blurred') : undefined;
  if (image !== model.input) gpu.copy(model.input, 0, image, 0, image.length);
  // Without anchor or bounds the paper's step; with either, the anchored one (zero image, no bounds by default).
  let anchored: { anchor: GpuTensor; bounds: GpuTensor } | undefined;
  if (anchor || bounds) {
    const range = bounds ?? { lower: Array<number>(c).fill(-F32_MAX), upper: Array<number>(c).fill(F32_MAX) };
    anchored = { anchor: scratch('class model anchor', model.inputSize), bounds: scratch('class model bounds', 2 * c) };
    gpu.write(anchored.anchor, anchor ?? new Float32Array(model.inputSize));
    gpu.write(anchored.bounds, Float32Array.from(range.lower.flatMap((lower, k) => [lower, range.upper[k]])));
  }
  let lastChecked = 0;
  try {
    for (let step = 0; ; step++) {
      // The last score is the final image's, unshifted. The start's forward pass is already done, and
      // stands for the shifted start too when that is the zero image, which no shift changes.
      const [dy, dx] = step < steps ? shifts[step] : [0, 0];
      if (step > 0 || (anchor && (dy !== 0 || dx !== 0))) {
        // Without priors the ascent works in place on the model's input.
        if (image !== model.input && (dy !== 0 || dx !== 0)) await roll2d(gpu, shape, image, model.input, dy, dx);
        else if (image !== model.input) gpu.copy(image, 0, model.input, 0, image.length);
        await model.forward();
      }
      const logits = await gpu.read(model.logits);
      const now = Float32Array.from(classes, (k, i) => logits[i * model.classes + k]);
      const bad = now.findIndex((score) => !Number.isFinite(score));
      if (bad >= 0) {
        throw new RangeError(`classModel: the ascent of class ${classes[bad]} diverged at step ${step} (score ${now[bad]}); use a smaller learning rate`);
      }
      // A ReLU network maps NaN pixels to finite scores, so the image is checked too: every 10th step and the
      // last (a read each step costs a round trip a browser's software adapter feels), so a diverged ascent
      // is named within 10 steps and never drawn as a picture.
      if (step % IMAGE_CHECK_EVERY === 0 || step === steps) {
        const pixels = await gpu.read(image);
        const broken = pixels.findIndex((x) => !Number.isFinite(x));
        if (broken >= 0) {
          const i = Math.floor(broken / model.inputSize);
          const since = step === 0 ? 'at step 0' : `between step ${lastChecked} and step ${step}`;
          throw new RangeError(`classModel: the image of class ${classes[i]} became non-finite (${pixels[broken]}) ${since}; use a smaller learning rate`);
        }
        lastChecked = step;
      }
      now.forEach((score, i) => void (scores[i][step] = score));
      await options.onStep?.(step, now, image);
      if (step === steps) break;
      await model.backward(dLogits, 'gradient');
      // ∂S_c(shift(I))/∂I is the gradient at the shifted image, shifted back.
      if (gradient !== model.inputGradient) await roll2d(gpu, shape, model.inputGradient, gradient, -dy, -dx);
      if (applied !== gradient) await gaussianBlur2d(gpu, shape, gradient, applied, gradientBlur);
      if (anchored) await anchoredAscentStep(gpu, shape, image, applied, anchored.anchor, anchored.bounds, learningRate, l2);
      else await ascentStep(gpu, image, applied, learningRate, l2);
      if (blurred && (step + 1) % blurEvery === 0) {
        // The blurred copy becomes the image, and the old image the next blur's target.
        await gaussianBlur2d(gpu, shape, image, blurred, blur);
        [image, blurred] = [blurred, image];
      }
    }
    const inputs = await gpu.read(image);
    const size = model.inputSize;
    return classes.map((_, i) => ({ input: inputs.slice(i * size, (i + 1) * size), scores: scores[i] }));
  } finally {
    for (const tensor of own) tensor.buffer.destroy();
  }
}

/** How often `classModels` reads the image back to check that it is finite. */
const IMAGE_CHECK_EVERY = 10;

// The largest finite float32: bounds that never clamp.
const F32_MAX = 3.4028234663852886e38;

/** Throws a RangeError unless the anchor is one input image and the bounds a lower ≤ upper pair per channel. */
function checkAnchor(model: Classifier, anchor: Float32Array | undefined, bounds: ClassModelOptions['bounds']): void {
  const { channels, height, width } = model.info.input;
  if (anchor && anchor.length !== model.inputSize) {
    throw new RangeError(`classModel: the anchor has ${anchor.length} values but the model's input is ${channels}×${height}×${width}`);
  }
  if (!bounds) return;
  if (bounds.lower.length !== channels || bounds.upper.length !== channels) {
    throw new RangeError(`classModel: the bounds give ${bounds.lower.length} lower and ${bounds.upper.length} upper values for ${channels} channel(s)`);
  }
  bounds.lower.forEach((lower, k) => {
    if (!(lower <= bounds.upper[k])) throw new RangeError(`classModel: channel ${k}'s bounds [${lower}, ${bounds.upper[k]}] are empty or not numbers`);
  });
}

/**
 * The (dy, dx) by which `classModels` shifts the image at each of `steps` steps: each uniform in
 * [−jitter, jitter], drawn from a `Random` seeded with `seed`; all (0, 0) when jitter is 0.
 */
export function jitterShifts(steps: number, jitter: number, seed: number): Array<readonly [number, number]> {
  const random = new Random(seed);
  return Array.from({ length: steps }, () => (jitter === 0 ? [0, 0] as const : [random.int(2 * jitter + 1) - jitter, random.int(2 * jitter + 1) - jitter] as const));
}
