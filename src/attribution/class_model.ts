import type { GpuTensor } from '../gpu/mod.ts';
import { ascentStep, gaussianBlur2d, MAX_BLUR_SIGMA, roll2d, type VggModel } from '../nn/mod.ts';
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
 * back; with `blur`, every `blurEvery`-th step ends by blurring the image. The score reported after the
 * last step is that of the final image, unshifted.
 *
 * @throws RangeError for a class out of range, a step count that is not a whole number ≥ 0, a learning rate
 *   that is not positive or a λ that is negative, and when the ascent diverges (a score that is not finite).
 * @example
 * const { input } = await classModel(model, 3, { onStep: (step, score) => console.log(step, score) });
 */
export async function classModel(model: VggModel, classIndex: number, options: ClassModelOptions = {}): Promise<ClassModel> {
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
export async function classModels(model: VggModel, classes: readonly number[], options: ClassModelsOptions = {}): Promise<ClassModel[]> {
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
  const n = classes.length;
  if (n === 0) throw new RangeError('classModels: no class given');
  const dLogits = model.oneHot(n, classes);
  const gpu = model.gpu;
  const { channels: c, height: h, width: w } = model.spec.input;
  const shape = { n, c, h, w };
  const scores = Array.from({ length: n }, () => new Float32Array(steps + 1));
  const shifts = jitterShifts(steps, jitter, seed);
  // With priors the image lives apart from the model's input, which holds its shifted copy.
  const own: GpuTensor[] = [];
  const scratch = (label: string) => {
    const tensor = gpu.tensor(n * model.inputSize, label);
    own.push(tensor);
    return tensor;
  };
  await model.forward(new Float32Array(n * model.inputSize), n);
  let image = jitter > 0 || blur > 0 ? scratch('class model image') : model.input;
  const gradient = jitter > 0 ? scratch('class model gradient') : model.inputGradient;
  let blurred = blur > 0 ? scratch('class model blurred') : undefined;
  if (image !== model.input) gpu.copy(model.input, 0, image, 0, image.length);
  try {
    for (let step = 0; ; step++) {
      // The last score is the final image's, unshifted; the zero image's forward pass is already done.
      const [dy, dx] = step < steps ? shifts[step] : [0, 0];
      if (step > 0) {
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
      now.forEach((score, i) => void (scores[i][step] = score));
      await options.onStep?.(step, now, image);
      if (step === steps) break;
      await model.backward(dLogits, 'gradient');
      // ∂S_c(shift(I))/∂I is the gradient at the shifted image, shifted back.
      if (gradient !== model.inputGradient) await roll2d(gpu, shape, model.inputGradient, gradient, -dy, -dx);
      await ascentStep(gpu, image, gradient, learningRate, l2);
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

/**
 * The (dy, dx) by which `classModels` shifts the image at each of `steps` steps: each uniform in
 * [−jitter, jitter], drawn from a `Random` seeded with `seed`; all (0, 0) when jitter is 0.
 */
export function jitterShifts(steps: number, jitter: number, seed: number): Array<readonly [number, number]> {
  const random = new Random(seed);
  return Array.from({ length: steps }, () => (jitter === 0 ? [0, 0] as const : [random.int(2 * jitter + 1) - jitter, random.int(2 * jitter + 1) - jitter] as const));
}
