import { expectLength } from './expect_length.ts';

/**
 * Softmax cross-entropy, averaged over the batch: logits: (n, classes)  labels: (n), integers in [0, classes)
 * →  loss = mean −log softmax[label], probabilities: (n, classes), dLogits = (softmax − onehot) / n.
 * The largest logit is subtracted first, so that exp never overflows.
 */
export function softmaxCrossEntropy(
  classes: number,
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
): { loss: number; probabilities: Float64Array; dLogits: Float64Array } {
  const n = labels.length;
  expectLength('softmax_cross_entropy', 'logits', logits, [n, classes]);
  const probabilities = new Float64Array(n * classes);
  const dLogits = new Float64Array(n * classes);
  let loss = 0;
  for (let b = 0; b < n; b++) {
    const label = labels[b];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`softmax_cross_entropy: label ${b} is ${label}, not an integer in [0, ${classes})`);
    }
    const row = b * classes;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[row + k] - max);
    // −log softmax[label] = log Σ exp(z − max) − (z[label] − max), which never takes the log of an
    // underflowed probability.
    loss += Math.log(sum) - (logits[row + label] - max);
    for (let k = 0; k < classes; k++) {
      const p = Math.exp(logits[row + k] - max) / sum;
      probabilities[row + k] = p;
      dLogits[row + k] = (p - (k === label ? 1 : 0)) / n;
    }
  }
  return { loss: loss / n, probabilities, dLogits };
}
