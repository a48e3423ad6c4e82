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
  const { steps = CLASS_MODEL_DEFAULTS.steps, learningRate = CLASS_MODEL_DEFAULTS.learningRate, l2 = CLASS_MODEL_DEFAULTS.l2 } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`classModel: steps must be a whole number ≥ 0, got ${steps}`);
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`classModel: the learning rate must be positive and finite, got ${learningRate}`);
  }
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`classModel: λ must be ≥ 0 and finite, got ${l2}`);
  const dLogits = model.oneHot(1, [classIndex]);
  const gpu = model.gpu;
  const scores = new Float32Array(steps + 1);
  await model.forward(new Float32Array(model.inputSize), 1);
  for (let step = 0; ; step++) {
    const score = (await gpu.read(model.logits, classIndex, 1))[0];
    if (!Number.isFinite(score)) {
      throw new RangeError(`classModel: the ascent diverged at step ${step} (score ${score}); use a smaller learning rate`);
    }
    scores[step] = score;
    await options.onStep?.(step, score);
    if (step === steps) break;
    await model.backward(dLogits, 'gradient');
    await ascentStep(gpu, model.input, model.inputGradient, learningRate, l2);
    await model.forward();
  }
  return { input: await gpu.read(model.input), scores };
}
