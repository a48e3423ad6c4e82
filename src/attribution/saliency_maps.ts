import type { ReluRule } from '../shapes/mod.ts';
import type { Classifier } from '../graph/mod.ts';

/** What `saliencyMaps` returns, on the CPU. */
export interface SaliencyMaps {
  /** (n, H, W): M_ij = maxᶜ |∂S_c/∂I_cij| for each image's class, unscaled. */
  readonly maps: Float32Array;
  /** (n, classes): the unnormalised scores S of each image. */
  readonly logits: Float32Array;
  /** The class each map explains, one per image. */
  readonly classes: readonly number[];
}

/** What `saliencyMapsByRule` returns: one batch of maps per rule asked for. */
export interface SaliencyMapsByRule {
  /** Each rule's (n, H, W) maps, as `SaliencyMaps.maps`. */
  readonly maps: ReadonlyMap<ReluRule, Float32Array>;
  readonly logits: Float32Array;
  readonly classes: readonly number[];
}

/**
 * Image-specific class saliency (Simonyan et al. 2014, section 3.1) for a batch: one forward pass, one
 * backward pass from the score S_c of each image's class under `rule` (`gradient` is the paper's map,
 * `deconvnet` and `guided` pass ReLUs by the deconvnet and guided-backpropagation rules), and the
 * maximum of |∂S_c/∂I| over the colour channels, taken on the GPU (by the first conv's gradient kernel
 * as it stores, where that is faster); the maps are read back once.
 * input: (n, C, H, W) normalised (see `imageToInput`). `classes` gives each image's class, or `'top'`
 * for each image's own top-scoring class.
 *
 * @throws RangeError when the input does not hold n images or a class is out of range.
 * @example
 * const { maps, classes } = await saliencyMaps(model, input, 1, 'top', 'gradient');
 */
export async function saliencyMaps(
  model: Classifier,
  input: Float32Array,
  n: number,
  classes: readonly number[] | 'top',
  rule: ReluRule = 'gradient',
): Promise<SaliencyMaps> {
  const { maps, logits, classes: chosen } = await saliencyMapsByRule(model, input, n, classes, [rule]);
  return { maps: maps.get(rule)!, logits, classes: chosen };
}

/**
 * `saliencyMaps` under several rules from one forward pass: the rules differ only in how the backward
 * pass crosses ReLUs, so the activations are shared and only the backward pass and reduction repeat.
 *
 * @throws RangeError when the input does not hold n images, a class is out of range, or no rule is given.
 */
export async function saliencyMapsByRule(
  model: Classifier,
  input: Float32Array,
  n: number,
  classes: readonly number[] | 'top',
  rules: readonly ReluRule[],
): Promise<SaliencyMapsByRule> {
  if (rules.length === 0) throw new RangeError('saliencyMapsByRule: no rule given');
  // Checked before any work, so that a bad class costs no forward pass.
  if (classes !== 'top') model.oneHot(n, classes);
  const gpu = model.gpu;
  await model.forward(input, n);
  const logits = await gpu.read(model.logits);
  const chosen = classes === 'top' ? topClasses(logits, n, model.classes) : [...classes];
  const dLogits = model.oneHot(n, chosen);
  const { height: h, width: w } = model.info.input;
  const map = gpu.tensor(n * h * w, 'saliency map');
  const maps = new Map<ReluRule, Float32Array>();
  try {
    for (const rule of rules) {
      await model.backward(dLogits, rule, { saliencyMap: map });
      maps.set(rule, await gpu.read(map));
    }
    return { maps, logits, classes: chosen };
  } finally {
    map.buffer.destroy();
  }
}

/** The index of the largest score of each row of logits (n, classes); the first on a tie. */
export function topClasses(logits: ArrayLike<number>, n: number, classes: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k] > logits[i * classes + best]) best = k;
    return best;
  });
}
