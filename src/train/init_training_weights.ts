import { initVggWeights, type VggSpec, vggLayers } from '../model/mod.ts';
import type { Random } from '../random/mod.ts';

/** How much smaller than He's the last layer's weights start. */
const LAST_LAYER_SCALE = 0.1;

/**
 * Weights to train from: He-uniform everywhere (`initVggWeights`, biases 0), but the last layer's
 * weights a tenth of that, so that the first logits are small and the first loss is near
 * log(classes) rather than the several times that He's full scale gives the class scores.
 */
export function initTrainingWeights(spec: VggSpec, random: Random): Map<string, Float32Array> {
  const weights = initVggWeights(spec, random);
  const last = vggLayers(spec).filter((layer) => layer.kind === 'linear').at(-1);
  if (last && last.kind === 'linear') {
    const weight = weights.get(`${last.name}.weight`)!;
    for (let i = 0; i < weight.length; i++) weight[i] *= LAST_LAYER_SCALE;
  }
  return weights;
}
