import type { Random } from '../random/mod.ts';
import { vggTensorShapes } from './vgg_layers.ts';
import type { VggSpec } from './vgg_spec.ts';

/**
 * Fresh weights for a spec: He-uniform (bound √(6 / fan-in)), so that activations keep their scale
 * through ReLU layers, and biases uniform in ±`bias` (0 by default, as for training from scratch).
 */
export function initVggWeights(spec: VggSpec, random: Random, options: { readonly bias?: number } = {}): Map<string, Float32Array> {
  const bias = options.bias ?? 0;
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of vggTensorShapes(spec)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const bound = name.endsWith('.bias') ? bias : Math.sqrt(6 / (size / shape[0]));
    weights.set(name, random.uniformArray(size, -bound, bound));
  }
  return weights;
}
