import type { GpuTensor } from '../gpu/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import { accumulateGradients } from '../nn/mod.ts';

/**
 * The copies per pass when `total` copies run at most `batch` at a time: ⌈total/batch⌉ passes of equal
 * size (the last padded), so that the model's tensors are sized once.
 */
export function evenBatch(total: number, batch: number): number {
  return Math.ceil(total / Math.ceil(total / batch));
}

/** The per-image sums `copyGradientSums` leaves on the GPU; the caller destroys them. */
export interface CopyGradientSums {
  /** (n, C, H, W): Σ over each image's copies of ∂S_c/∂x at the copy. */
  readonly sum: GpuTensor;
  /** (n, C, H, W): the same sum of squares, when asked for. */
  readonly squares?: GpuTensor;
}

/**
 * The engine of SmoothGrad and Integrated Gradients: n images with `copies` copies each (n·copies in all)
 * go through forward and backward passes `batch` copies at a time, written straight into the model's
 * input by `build(out, first, count)` (copies first … first + count − 1), and each pass's input gradients
 * (of the class score S_c of the copy's image, every ReLU passed as the gradient) are added to the
 * image's sums on the GPU: nothing is read back per copy. The batches are evened out (n·copies split into
 * ⌈n·copies/batch⌉ equal passes, the last padded with rows whose gradient is not asked for), so that the
 * model's tensors are sized once.
 */
export async function copyGradientSums(
  model: Classifier,
  n: number,
  copies: number,
  classes: readonly number[],
  batch: number,
  build: (out: GpuTensor, first: number, count: number) => Promise<void>,
  options: { readonly squares?: boolean; readonly onProgress?: (done: number, total: number) => void } = {},
): Promise<CopyGradientSums> {
  const gpu = model.gpu;
  const size = model.inputSize;
  const total = n * copies;
  const b = evenBatch(total, batch);
  // Sizes the model's tensors for b images (unless the caller's own first pass did, see `evenBatch`); the
  // forward pass on zeros is the price of an interface that takes the first input of a new size from the CPU.
  if (model.batch !== b) await model.forward(new Float32Array(b * size), b);
  const sum = gpu.tensor(n * size, 'gradient sums');
  const squares = options.squares ? gpu.tensor(n * size, 'gradient sums of squares') : undefined;
  try {
    for (let first = 0; first < total; first += b) {
      const count = Math.min(b, total - first);
      await build(model.input, first, count);
      await model.forward();
      const dLogits = new Float32Array(b * model.classes);
      for (let k = 0; k < count; k++) dLogits[k * model.classes + classes[Math.floor((first + k) / copies)]] = 1;
      await model.backward(dLogits, 'gradient');
      await accumulateGradients(gpu, { n, size, copies }, model.inputGradient, first, count, sum, squares);
      if (options.onProgress) {
        await gpu.sync();
        options.onProgress(first + count, total);
      }
    }
  } catch (error) {
    sum.buffer.destroy();
    squares?.buffer.destroy();
    throw error;
  }
  return squares ? { sum, squares } : { sum };
}
