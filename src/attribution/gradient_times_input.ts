import type { Classifier } from '../graph/mod.ts';
import { inputProductMap } from '../nn/mod.ts';
import { type SaliencyMaps, topClasses } from './saliency_maps.ts';

/**
 * Gradient × input for a batch that fits one pass: map = maxᶜ |x ⊙ ∂S_c/∂x| (x the normalised input),
 * from one forward and one backward pass, reduced on the GPU. input: (n, C, H, W).
 */
export async function gradientTimesInput(model: Classifier, input: Float32Array, n: number, classes: readonly number[] | 'top'): Promise<SaliencyMaps> {
  if (classes !== 'top') model.oneHot(n, classes);
  const gpu = model.gpu;
  await model.forward(input, n);
  const logits = await gpu.read(model.logits);
  const chosen = classes === 'top' ? topClasses(logits, n, model.classes) : [...classes];
  await model.backward(model.oneHot(n, chosen), 'gradient');
  const { channels: c, height: h, width: w } = model.info.input;
  const map = gpu.tensor(n * h * w, 'gradient × input map');
  try {
    await inputProductMap(gpu, { n, c, h, w }, model.input, model.inputGradient, map);
    return { maps: await gpu.read(map), logits, classes: chosen };
  } finally {
    map.buffer.destroy();
  }
}
