import type { Classifier } from '../graph/mod.ts';
import { inputProductMap, integrationPoints } from '../nn/mod.ts';
import type { AttributionMaps } from './chunked_maps.ts';
import { copyGradientSums, evenBatch } from './copy_gradient_sums.ts';
import { topClasses } from './saliency_maps.ts';

/** What Integrated Gradients takes. */
export interface IntegratedGradientsOptions {
  /** m, the midpoint rule's steps (≥ 1). */
  readonly steps: number;
  /** The constant baseline x' in normalised units (0: the colour of the model's normalisation mean). */
  readonly baseline: number;
  /** Copies per forward and backward pass. */
  readonly batch: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Integrated Gradients (Sundararajan et al. 2017) by the midpoint rule, for images that fit one pass:
 * IG = (x − x') ⊙ (1/m) Σ_{k=1..m} ∂S_c/∂x at x' + ((k − ½)/m)(x − x'), map = maxᶜ |IG|. The n·m points
 * are built on the GPU and run `batch` at a time, their gradients summed on the GPU; the sums are read
 * back once, to report each image's completeness gap |Σ IG − (S_c(x) − S_c(x'))| / |S_c(x) − S_c(x')|.
 * input: (n, C, H, W) normalised.
 */
export async function integratedGradients(
  model: Classifier,
  input: Float32Array,
  n: number,
  classes: readonly number[] | 'top',
  options: IntegratedGradientsOptions,
): Promise<AttributionMaps> {
  if (classes !== 'top') model.oneHot(n, classes);
  const gpu = model.gpu;
  const size = model.inputSize;
  const { steps, baseline } = options;
  // One pass for the scores of the images and of the baseline image after them, padded to the copies'
  // batch where that is larger, so that it also sizes the model for them.
  const rows = Math.max(n + 1, evenBatch(n * steps, options.batch));
  const both = new Float32Array(rows * size);
  both.set(input);
  both.fill(baseline, n * size, (n + 1) * size);
  await model.forward(both, rows);
  const allLogits = await gpu.read(model.logits, 0, (n + 1) * model.classes);
  const logits = allLogits.slice(0, n * model.classes);
  const chosen = classes === 'top' ? topClasses(logits, n, model.classes) : [...classes];
  const x = gpu.tensorFrom(input, 'integrated gradients input');
  const { channels: c, height: h, width: w } = model.info.input;
  const map = gpu.tensor(n * h * w, 'integrated gradients map');
  let sums: Awaited<ReturnType<typeof copyGradientSums>> | undefined;
  try {
    sums = await copyGradientSums(model, n, steps, chosen, options.batch,
      (out, first, count) => integrationPoints(gpu, { n, size, steps, baseline }, x, out, first, count), { onProgress: options.onProgress });
    await inputProductMap(gpu, { n, c, h, w }, x, sums.sum, map, { baseline, scale: 1 / steps });
    const maps = await gpu.read(map);
    const sum = await gpu.read(sums.sum);
    const completeness = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let e = i * size; e < (i + 1) * size; e++) total += (input[e] - baseline) * (sum[e] / steps);
      const difference = allLogits[i * model.classes + chosen[i]] - allLogits[n * model.classes + chosen[i]];
      completeness[i] = Math.abs(total - difference) / Math.abs(difference);
    }
    return { maps, logits, classes: chosen, completeness };
  } finally {
    x.buffer.destroy();
    map.buffer.destroy();
    sums?.sum.buffer.destroy();
  }
}
