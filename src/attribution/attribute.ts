import { checkFiniteMaps } from './check_finite_maps.ts';
import type { Classifier } from '../graph/mod.ts';
import { RELU_RULES, type ReluRule } from '../shapes/mod.ts';
import { type SaliencyMaps, saliencyMaps } from './saliency_maps.ts';

/**
 * Every way the engine draws a map of what a classifier looks at: the paper's gradient and the deconvnet and
 * guided-backpropagation rules of its backward pass.
 */
export const ATTRIBUTION_METHODS = [...RELU_RULES] as const;
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number];

/** Options of `attribute`, for the methods that take any. */
export interface AttributionOptions {
  /** Called as batches finish, with how many of the n maps are done. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The maps of `method` for a batch: (n, H, W), unscaled, for each image's class (`'top'`: its own top
 * class), with the logits of the unperturbed input. The one entry point that commands, the demo and the
 * evaluation call, whatever the method.
 * @throws RangeError for an unknown method, an input that does not hold n images or a class out of range,
 *   or scores or maps that are not finite (`checkFiniteMaps`).
 * @example
 * const { maps } = await attribute(model, input, 1, 'top', 'guided');
 */
export async function attribute(
  model: Classifier,
  input: Float32Array,
  n: number,
  classes: readonly number[] | 'top',
  method: AttributionMethod,
  options: AttributionOptions = {},
): Promise<SaliencyMaps> {
  if (!ATTRIBUTION_METHODS.includes(method)) {
    throw new RangeError(`attribute: no method "${method}"; known: ${ATTRIBUTION_METHODS.join(', ')}`);
  }
  const result = await saliencyMaps(model, input, n, classes, method as ReluRule);
  checkFiniteMaps(result, n, method);
  options.onProgress?.(n, n);
  return result;
}
