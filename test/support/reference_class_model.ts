import type { VggSpec } from '../../src/model/mod.ts';
import { ascentStep, referenceClassScoreGradient, type ReferenceWeights } from '../../src/reference/mod.ts';

/**
 * Class-model ascent in float64 (Simonyan et al. 2014, section 2): from the zero image,
 * I ← I + η (∂S_c/∂I − 2λI) with the reference gradient. The final image (C, H, W) and S_c before each
 * step and at the end (steps + 1 values).
 */
export function referenceClassModel(spec: VggSpec, weights: ReferenceWeights, c: number, steps: number, learningRate: number, l2: number) {
  const { channels, height, width } = spec.input;
  let image: Float64Array = new Float64Array(channels * height * width);
  const scores: number[] = [];
  for (let step = 0; ; step++) {
    const { logits, dInput } = referenceClassScoreGradient(spec, weights, image, 1, [c], 'gradient');
    scores.push(logits[c]);
    if (step === steps) break;
    image = ascentStep(image, dInput, learningRate, l2);
  }
  return { image, scores };
}
