import type { Classifier } from '../graph/mod.ts';
import { noisyCopies, saliencyMap } from '../nn/mod.ts';
import type { SaliencyMaps } from './saliency_maps.ts';
import { copyGradientSums, evenBatch } from './copy_gradient_sums.ts';
import { topClasses } from './saliency_maps.ts';

/** What SmoothGrad takes. */
export interface SmoothGradOptions {
  /** n, the noisy copies per image (≥ 1). */
  readonly samples: number;
  /** σ as a fraction of each image's range: σ = noise · (max x − min x), ≥ 0. */
  readonly noise: number;
  /** SmoothGrad-Squared: the mean of the squared gradients instead of the mean gradient. */
  readonly squared: boolean;
  /** A u32: the noise is a function of (seed, image, sample, element), whatever the batching. */
  readonly seed: number;
  /** Copies per forward and backward pass. */
  readonly batch: number;
  /** How many images of a larger set came before these: the noise is numbered by the image's place in that set (default 0). */
  readonly firstImage?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * SmoothGrad (Smilkov et al. 2017) for images that fit one pass: the gradients ∂S_c/∂x at `samples` noisy
 * copies x + ε, ε ~ N(0, σ²) with σ = noise · (max x − min x) of each image, averaged, and the map
 * maxᶜ |mean gradient| (SmoothGrad-Squared: maxᶜ mean of the squared gradients). Copies are made on the
 * GPU from a counter-based generator and run `batch` at a time, their gradients summed on the GPU.
 * input: (n, C, H, W) normalised; the logits are those of the noiseless images.
 */
export async function smoothGrad(
  model: Classifier,
  input: Float32Array,
  n: number,
  classes: readonly number[] | 'top',
  options: SmoothGradOptions,
): Promise<SaliencyMaps> {
  if (classes !== 'top') model.oneHot(n, classes);
  const gpu = model.gpu;
  const size = model.inputSize;
  const { samples, seed } = options;
  // The noiseless scores, padded to the copies' batch where that is larger, so that this pass also sizes
  // the model for them.
  const rows = Math.max(n, evenBatch(n * samples, options.batch));
  const padded = rows === n ? input : new Float32Array(rows * size);
  if (padded !== input) padded.set(input);
  await model.forward(padded, rows);
  const logits = await gpu.read(model.logits, 0, n * model.classes);
  const chosen = classes === 'top' ? topClasses(logits, n, model.classes) : [...classes];
  const sigma = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let low = Infinity;
    let high = -Infinity;
    for (let e = i * size; e < (i + 1) * size; e++) {
      low = Math.min(low, input[e]);
      high = Math.max(high, input[e]);
    }
    sigma[i] = options.noise * (high - low);
  }
  const x = gpu.tensorFrom(input, 'smoothgrad input');
  const sigmaT = gpu.tensorFrom(sigma, 'smoothgrad sigma');
  const { channels: c, height: h, width: w } = model.info.input;
  const map = gpu.tensor(n * h * w, 'smoothgrad map');
  let sums: Awaited<ReturnType<typeof copyGradientSums>> | undefined;
  try {
    sums = await copyGradientSums(model, n, samples, chosen, options.batch,
      (out, first, count) => noisyCopies(gpu, { n, size, samples, seed, offset: (options.firstImage ?? 0) * samples }, x, sigmaT, out, first, count),
      { squares: options.squared, onProgress: options.onProgress });
    // The mean's largest magnitude is the sum's over n: divided on the CPU, after the max.
    await saliencyMap(gpu, { n, c, h, w }, options.squared ? sums.squares! : sums.sum, map);
    const maps = await gpu.read(map);
    for (let i = 0; i < maps.length; i++) maps[i] /= samples;
    return { maps, logits, classes: chosen };
  } finally {
    x.buffer.destroy();
    sigmaT.buffer.destroy();
    map.buffer.destroy();
    sums?.sum.buffer.destroy();
    sums?.squares?.buffer.destroy();
  }
}
