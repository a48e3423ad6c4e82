import type { Classifier } from '../graph/mod.ts';

/** The most images one pass of the attribution methods takes by default, however small the model. */
export const MAX_DEFAULT_BATCH = 64;

/**
 * How many images (or copies of images) one forward and backward pass of `model` takes when the caller
 * gives no `batch`: as many as fit a memory budget of four of the adapter's largest bindings
 * (`gpu.limits.maxBindingBytes`: 512 MiB where a binding holds 128 MiB), counting per image the input, its
 * copy and gradient, and every spatial output's activation, gradient and max-pool switches (the
 * classifier's vectors are small beside them); at least 1, at most `MAX_DEFAULT_BATCH`, and no more than
 * fit the adapter's largest buffer for the widest tensor.
 */
export function attributionBatch(model: Classifier): number {
  const { maxBindingBytes, maxBufferBytes } = model.gpu.limits;
  const spatial = model.spatialOutputs().map((o) => o.channels * o.height * o.width);
  const perImage = 4 * (3 * model.inputSize + 3 * spatial.reduce((a, b) => a + b, 0) + 2 * model.classes);
  const widest = 4 * Math.max(model.inputSize, ...spatial);
  const fits = Math.min(Math.floor((4 * maxBindingBytes) / perImage), Math.floor(maxBufferBytes / widest));
  return Math.max(1, Math.min(MAX_DEFAULT_BATCH, fits));
}
