import { ascentStep, type VggModel } from '../nn/mod.ts';

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

/** Options of `classModel`; every number defaults to `CLASS_MODEL_DEFAULTS`. */
export interface ClassModelOptions {
  readonly steps?: number;
  /** η, the step size on the normalised input. */
  readonly learningRate?: number;
  /** λ of the regulariser λ‖I‖². */
  readonly l2?: number;
  /** Called after the start and after every step with the step number (0 for the zero image) and S_c. */
  readonly onStep?: (step: number, score: number) => void | Promise<void>;
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
  /** Called after the start and after every step with the step number and each class's S_c, in order. */
  readonly onStep?: (step: number, scores: Float32Array) => void | Promise<void>;
}

/**
 * Class-model visualisation (Simonyan et al. 2014, section 2): the image I that maximises S_c(I) − λ‖I‖²,
 * found by gradient ascent from the zero image (which is the mean image, once normalised): repeatedly
 * I ← I + η (∂S_c/∂I − 2λI), each step one forward and one backward pass and `ascentStep` in place on the
 * model's input tensor. S_c is the unnormalised score, so the ascent cannot win by lowering other classes.
 *
 * @throws RangeError for a class out of range, a step count that is not a whole number ≥ 0, a learning rate
 *   that is not positive or a λ that is negative, and when the ascent diverges (a score that is not finite).
 * @example
 * const { input } = await classModel(model, 3, { onStep: (step, score) => console.log(step, score) });
 */
export async function classModel(model: VggModel, classIndex: number, options: ClassModelOptions = {}): Promise<ClassModel> {
  const { onStep, ...rest } = options;
  const [result] = await classModels(model, [classIndex], { ...rest, ...(onStep ? { onStep: (step, scores) => onStep(step, scores[0]) } : {}) });
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
  const n = classes.length;
  if (n === 0) throw new RangeError('classModels: no class given');
  const dLogits = model.oneHot(n, classes);
  const gpu = model.gpu;
  const scores = Array.from({ length: n }, () => new Float32Array(steps + 1));
  await model.forward(new Float32Array(n * model.inputSize), n);
  for (let step = 0; ; step++) {
    const logits = await gpu.read(model.logits);
    const now = Float32Array.from(classes, (c, i) => logits[i * model.classes + c]);
    const bad = now.findIndex((score) => !Number.isFinite(score));
    if (bad >= 0) {
      throw new RangeError(`classModel: the ascent of class ${classes[bad]} diverged at step ${step} (score ${now[bad]}); use a smaller learning rate`);
    }
    now.forEach((score, i) => void (scores[i][step] = score));
    await options.onStep?.(step, now);
    if (step === steps) break;
    await model.backward(dLogits, 'gradient');
    await ascentStep(gpu, model.input, model.inputGradient, learningRate, l2);
    await model.forward();
  }
  const inputs = await gpu.read(model.input);
  const size = model.inputSize;
  return classes.map((_, i) => ({ input: inputs.slice(i * size, (i + 1) * size), scores: scores[i] }));
}
