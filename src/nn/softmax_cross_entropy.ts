import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/softmax_cross_entropy.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';

const SHADER = { name: 'softmax_cross_entropy', code };
const WORKGROUP = 64;

/**
 * Softmax cross-entropy of a batch and its gradient: losses[n] = −log softmax(logits[n])[labels[n]],
 * dLogits = (softmax − one-hot) / n, the gradient of the mean loss.
 * logits, dLogits: (n, classes)  labels: (n) u32, each checked in range by the caller (`checkLabels`)  losses: (n).
 */
export async function softmaxCrossEntropy(
  gpu: Gpu,
  n: number,
  classes: number,
  logits: GpuTensor,
  labels: GpuTensor,
  losses: GpuTensor,
  dLogits: GpuTensor,
): Promise<void> {
  checkDimensions('softmax_cross_entropy', { n, classes });
  checkTensor('softmax_cross_entropy', 'logits', logits, n * classes, [n, classes]);
  checkTensor('softmax_cross_entropy', 'labels', labels, n, [n]);
  checkTensor('softmax_cross_entropy', 'losses', losses, n, [n]);
  checkTensor('softmax_cross_entropy', 'dLogits', dLogits, n * classes, [n, classes]);
  const pipeline = await gpu.pipeline(SHADER, { WG: WORKGROUP });
  gpu.dispatch(pipeline, new Uint32Array([n, classes]),
    [gpu.window(logits).binding, gpu.window(labels).binding, gpu.window(losses).binding, gpu.window(dLogits).binding],
    [Math.ceil(n / WORKGROUP)]);
}

/** Throws a RangeError naming the first label outside [0, classes). */
export function checkLabels(labels: ArrayLike<number>, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`softmax_cross_entropy: label ${label} of item ${i} is outside [0, ${classes})`);
    }
  }
}
