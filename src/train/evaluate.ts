import { makeBatch, type ImageDataset } from '../data/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import { checkDatasetFits } from './check_dataset_fits.ts';

/** A model's results over a dataset. */
export interface Evaluation {
  readonly count: number;
  readonly correct: number;
  /** correct / count. */
  readonly accuracy: number;
  /** Mean softmax cross-entropy. */
  readonly loss: number;
  /** (classes, classes): confusion[true][predicted] counts items; it sums to `count`. */
  readonly confusion: number[][];
}

/**
 * Runs `model` over every item of `data` in batches (forward only, normalised as the model's info says) and
 * counts its top-1 predictions against the labels.
 * @example
 * const { accuracy, confusion } = await evaluate(model, testSet, { batchSize: 256 });
 */
export async function evaluate(
  model: Classifier,
  data: ImageDataset,
  options: { readonly batchSize?: number; readonly onProgress?: (done: number, total: number) => void } = {},
): Promise<Evaluation> {
  checkDatasetFits(model.info, data);
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`evaluate: batch size ${batchSize} must be a positive integer`);
  const classes = model.classes;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let [correct, lossSum] = [0, 0];
  for (let start = 0; start < data.length; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, data.length - start) }, (_, i) => start + i);
    const batch = makeBatch(data, indices, model.info.normalize);
    await model.forward(batch.input, batch.n);
    const logits = await model.gpu.read(model.logits);
    for (let b = 0; b < batch.n; b++) {
      const row = logits.subarray(b * classes, (b + 1) * classes);
      let best = 0;
      for (let k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(row[k] - row[best]);
      const label = batch.labels[b];
      lossSum += Math.log(sum) - (row[label] - row[best]);
      confusion[label][best]++;
      if (best === label) correct++;
    }
    options.onProgress?.(start + batch.n, data.length);
  }
  return { count: data.length, correct, accuracy: correct / data.length, loss: lossSum / data.length, confusion };
}
