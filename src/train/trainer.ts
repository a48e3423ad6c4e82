import type { GpuTensor } from '../gpu/mod.ts';
import type { Batch } from '../data/mod.ts';
import type { GraphModel } from '../graph/mod.ts';
import { checkLabels, softmaxCrossEntropy } from '../nn/mod.ts';
import { Optimizer, type OptimizerOptions } from './optimizer.ts';
import { trainableLayers } from './trainable_layers.ts';

/** The optimiser, and how many of the model's conv layers, from the input up, stay as they are (default 0). */
export interface TrainerOptions extends OptimizerOptions {
  readonly freeze?: number;
}

/** What one training step measured on its batch, before the update. */
export interface StepResult {
  readonly n: number;
  /** Mean softmax cross-entropy over the batch. */
  readonly loss: number;
  /** Items whose largest logit was their label's. */
  readonly correct: number;
}

/** The loss's tensors for one batch size: labels (n) u32, losses (n), dLogits (n, classes), and both read back as one. */
interface LossTensors {
  readonly n: number;
  readonly labels: GpuTensor;
  readonly losses: GpuTensor;
  readonly dLogits: GpuTensor;
  readonly readBack: GpuTensor;
}

/**
 * Training steps on the GPU: forward, softmax cross-entropy (per-item losses and ∂L/∂logits of the
 * mean loss), backward to every weight (those above the frozen layers), and the optimiser's update,
 * recorded as one submission. Per
 * step only dLogits and the losses, n·(classes + 1) floats, come back to the CPU, after the update; the
 * accuracy follows from them (softmax = n·dLogits + one-hot).
 * @example
 * const trainer = new Trainer(model, { name: 'adam' });
 * const { loss, correct } = await trainer.step(makeBatch(data, indices, model.info.normalize), 1e-3);
 */
export class Trainer {
  readonly model: GraphModel;
  readonly optimizer: Optimizer;
  readonly #downTo: number;
  #tensors: LossTensors | undefined;

  /** @throws RangeError for an unknown optimiser, or a `freeze` that is not a count of the model's conv layers. */
  constructor(model: GraphModel, options: TrainerOptions) {
    const { downTo, parameters } = trainableLayers(model, options.freeze ?? 0);
    this.model = model;
    this.#downTo = downTo;
    this.optimizer = new Optimizer(model, options, parameters);
  }

  /**
   * One step on `batch` (normalised for the model) at `learningRate`; resolves once it, update included, is
   * done. `whileRunning` runs on the CPU once the step is submitted, before waiting for it: a caller makes
   * its next batch there, so that rendering scenes and the GPU's work overlap.
   */
  async step(batch: Batch, learningRate: number, whileRunning?: () => void): Promise<StepResult> {
    const { model } = this;
    const gpu = model.gpu;
    const classes = model.classes;
    const { n } = batch;
    checkLabels(batch.labels, classes);
    const t = this.#lossTensors(n);
    gpu.write(t.labels, batch.labels);
    await model.forward(batch.input, n);
    await softmaxCrossEntropy(gpu, n, classes, model.logits, t.labels, t.losses, t.dLogits);
    // The whole step is recorded before anything is read back, so it goes to the GPU as one submission.
    await model.backward(t.dLogits, 'gradient', { weights: true, input: false, downTo: this.#downTo });
    await this.optimizer.step(learningRate);
    gpu.copy(t.dLogits, 0, t.readBack, 0, n * classes);
    gpu.copy(t.losses, 0, t.readBack, n * classes, n);
    // read() submits the step before its first await.
    const pending = gpu.read(t.readBack);
    try {
      whileRunning?.();
    } catch (error) {
      await pending.catch(() => undefined);
      throw error;
    }
    const back = await pending;
    const dLogits = back.subarray(0, n * classes);
    let loss = 0;
    let correct = 0;
    for (let b = 0; b < n; b++) {
      loss += back[n * classes + b];
      const label = batch.labels[b];
      let best = 0;
      let bestP = -Infinity;
      for (let k = 0; k < classes; k++) {
        const p = n * dLogits[b * classes + k] + (k === label ? 1 : 0);
        if (p > bestP) [best, bestP] = [k, p];
      }
      if (best === label) correct++;
    }
    return { n, loss: loss / n, correct };
  }

  /** Frees the optimiser's state and the loss's tensors (the model stays). */
  destroy(): void {
    this.optimizer.destroy();
    this.#release();
  }

  #lossTensors(n: number): LossTensors {
    if (this.#tensors?.n === n) return this.#tensors;
    this.#release();
    const gpu = this.model.gpu;
    const classes = this.model.classes;
    this.#tensors = {
      n,
      labels: gpu.tensor(n, 'labels'),
      losses: gpu.tensor(n, 'losses'),
      dLogits: gpu.tensor(n * classes, 'dLogits'),
      readBack: gpu.tensor(n * (classes + 1), 'dLogits and losses'),
    };
    return this.#tensors;
  }

  #release(): void {
    if (!this.#tensors) return;
    // Recorded work may still use them.
    this.model.gpu.flush();
    for (const t of [this.#tensors.labels, this.#tensors.losses, this.#tensors.dLogits, this.#tensors.readBack]) t.buffer.destroy();
    this.#tensors = undefined;
  }
}
