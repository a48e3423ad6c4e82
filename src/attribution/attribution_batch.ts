import type { Classifier } from '../graph/mod.ts';

/** The most images one pass of the attribution methods takes by default, however small the model. */
export const MAX_DEFAULT_BATCH = 64;

/**
 * The default batch's memory budget reaches at least this far where the adapter takes one buffer this
 * large, taken as a sign that it has that much memory for one pass. Four bindings alone (512 MiB where a binding
 * holds 128 MiB, as on lavapipe) held VGG16 at 224 to one image a pass; with this budget it takes 6, and
 * `deepinside saliency` on 32 images cost 0.89–0.90 s an image beyond the first against 1.18–1.24 at
 * batch 1 (bench/results/cli-batches-2026-12-04-lavapipe*.md).
 */
export const DEFAULT_BATCH_BUDGET_BYTES = 2 * 1024 ** 3;

/**
 * How many images (or copies of images) one forward and backward pass of `model` takes when the caller
 * gives no `batch`: as many as fit a memory budget of four of the adapter's largest bindings
 * (`gpu.limits.maxBindingBytes`) or its largest buffer up to `DEFAULT_BATCH_BUDGET_BYTES`
 * (`gpu.limits.maxBufferBytes`), whichever is more, counting per image the input, its copy and gradient,
 * and every spatial output's activation, gradient and max-pool switches (the classifier's vectors are
 * small beside them); at least 1, at most `MAX_DEFAULT_BATCH`, and no more than fit the adapter's largest
 * buffer for the widest tensor.
 */
export function attributionBatch(model: Classifier): number {
  const { maxBindingBytes, maxBufferBytes } = model.gpu.limits;
  const budget = Math.max(4 * maxBindingBytes, Math.min(maxBufferBytes, DEFAULT_BATCH_BUDGET_BYTES));
  const spatial = model.spatialOutputs().map((o) => o.channels * o.height * o.width);
  const perImage = 4 * (3 * model.inputSize + 3 * spatial.reduce((a, b) => a + b, 0) + 2 * model.classes);
  const widest = 4 * Math.max(model.inputSize, ...spatial);
  const fits = Math.min(Math.floor(budget / perImage), Math.floor(maxBufferBytes / widest));
  return Math.max(1, Math.min(MAX_DEFAULT_BATCH, fits));
}
