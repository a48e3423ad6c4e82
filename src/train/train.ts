import { makeBatch, shuffledBatches, type ImageDataset } from '../data/mod.ts';
import type { GraphModel } from '../graph/mod.ts';
import { Random, type RandomState } from '../random/mod.ts';
import { checkDatasetFits } from './check_dataset_fits.ts';
import { type LearningRateSchedule, learningRateAt } from './learning_rate.ts';
import type { OptimizerName } from './optimizer.ts';
import { Trainer } from './trainer.ts';

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  /** The base learning rate (Adam: 1e-3 is usual; SGD with momentum: 0.01–0.1). */
  readonly learningRate: number;
  /** Default 'constant'. */
  readonly schedule?: LearningRateSchedule;
  /** L2 penalty on every parameter; default 0. */
  readonly weightDecay?: number;
  /** SGD's momentum; default 0.9. */
  readonly momentum?: number;
  /** How many conv layers, from the input up, keep their weights (fine-tuning the rest); default 0. */
  readonly freeze?: number;
  /** Seeds the shuffles and the augmentation (the model's weights are the caller's). */
  readonly seed: number;
  /** Random mirroring and shifts of each training item (see `Augment`); none by default. */
  readonly augment?: { readonly flip?: boolean; readonly shift?: number };
  /** Called after every batch. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /**
   * Called after every epoch, and awaited (to evaluate, say); `checkpoint()` reads back what `resume` needs
   * to continue after this epoch.
   */
  readonly onEpoch?: (summary: EpochSummary, checkpoint: () => Promise<TrainCheckpoint>) => void | Promise<void>;
  /** Continues a run from a checkpoint taken after one of its epochs (the model holds that epoch's weights). */
  readonly resume?: TrainCheckpoint;
}

/**
 * What a run needs, besides the model's weights, to continue after an epoch exactly as if it had not
 * stopped: the epoch done, the optimiser's state and steps, and where the shuffling and augmentation
 * streams stand.
 */
export interface TrainCheckpoint {
  readonly epoch: number;
  readonly optimizer: { readonly steps: number; readonly tensors: ReadonlyMap<string, Float32Array> };
  readonly shuffles: RandomState;
  readonly augment: RandomState;
}

/** Where a run stands, after a batch. */
export interface TrainProgress {
  /** From 1. */
  readonly epoch: number;
  readonly epochs: number;
  /** From 1. */
  readonly batch: number;
  readonly batches: number;
  /** Mean loss and accuracy over this epoch's batches so far (measured before each batch's update). */
  readonly loss: number;
  readonly accuracy: number;
  readonly learningRate: number;
  /** Training images per second over this epoch so far, batch making included. */
  readonly imagesPerSecond: number;
  /** Seconds since the run started. */
  readonly seconds: number;
}

/** One epoch's mean training loss and accuracy (each batch measured before its update). */
export interface EpochSummary {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

/**
 * Trains `model` in place on `data` with mini-batches: each epoch in a fresh shuffled order, each
 * batch normalised by the model's spec (and augmented if asked), one `Trainer` step per batch. The
 * same seed, weights and adapter give the same run.
 *
 * @throws RangeError for options out of range, or a dataset that does not fit the model.
 * @example
 * const epochs = await train(model, trainSet, { epochs: 10, batchSize: 64, optimizer: 'adam', learningRate: 1e-3, seed: 1 });
 */
export async function train(model: GraphModel, data: ImageDataset, options: TrainOptions): Promise<EpochSummary[]> {
  const { epochs, batchSize, learningRate } = options;
  checkDatasetFits(model.info, data);
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`train: epochs ${epochs} must be a positive integer`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`train: batch size ${batchSize} must be a positive integer`);
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new RangeError(`train: learning rate ${learningRate} must be a finite number > 0`);
  }
  const schedule = options.schedule ?? 'constant';
  learningRateAt(schedule, learningRate, 0, 1);
  const shuffles = new Random(options.seed);
  // A stream of its own, so that turning augmentation on or off leaves the order alone.
  const augmentRandom = new Random((options.seed ^ 0x5bd1e995) >>> 0);
  const augment = options.augment ? { ...options.augment, random: augmentRandom } : undefined;
  const trainer = new Trainer(model, {
    name: options.optimizer,
    ...(options.weightDecay !== undefined ? { weightDecay: options.weightDecay } : {}),
    ...(options.momentum !== undefined ? { momentum: options.momentum } : {}),
    ...(options.freeze !== undefined ? { freeze: options.freeze } : {}),
  });
  const resume = options.resume;
  if (resume) {
    if (!Number.isInteger(resume.epoch) || resume.epoch < 1 || resume.epoch >= epochs) {
      trainer.destroy();
      throw new RangeError(`train: cannot resume after epoch ${resume.epoch} of a ${epochs}-epoch run`);
    }
    try {
      trainer.optimizer.loadState(resume.optimizer);
    } catch (error) {
      trainer.destroy();
      throw error;
    }
    shuffles.restore(resume.shuffles);
    augmentRandom.restore(resume.augment);
  }
  const checkpoint = (epoch: number) => async (): Promise<TrainCheckpoint> => ({
    epoch,
    optimizer: await trainer.optimizer.readState(),
    shuffles: shuffles.state,
    augment: augmentRandom.state,
  });
  const batchesPerEpoch = Math.ceil(data.length / batchSize);
  const totalSteps = epochs * batchesPerEpoch;
  const start = performance.now();
  const summaries: EpochSummary[] = [];
  try {
    for (let epoch = (resume?.epoch ?? 0) + 1; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      const batches = shuffledBatches(data.length, batchSize, shuffles);
      const make = (b: number) => makeBatch(data, batches[b], model.info.normalize, augment);
      let [lossSum, correct, seen] = [0, 0, 0];
      let next = make(0);
      for (const b of batches.keys()) {
        const rate = learningRateAt(schedule, learningRate, (epoch - 1) * batchesPerEpoch + b, totalSteps);
        const batch = next;
        // The next batch is made while the GPU runs this one (the same batches, in the same order).
        const result = await trainer.step(batch, rate, () => {
          if (b + 1 < batches.length) next = make(b + 1);
        });
        lossSum += result.loss * result.n;
        correct += result.correct;
        seen += result.n;
        options.onProgress?.({
          epoch, epochs, batch: b + 1, batches: batches.length, loss: lossSum / seen, accuracy: correct / seen, learningRate: rate,
          imagesPerSecond: seen / ((performance.now() - epochStart) / 1000), seconds: (performance.now() - start) / 1000,
        });
      }
      await model.gpu.sync();
      const seconds = (performance.now() - epochStart) / 1000;
      const summary = { epoch, loss: lossSum / seen, accuracy: correct / seen, seconds, imagesPerSecond: seen / seconds };
      summaries.push(summary);
      await options.onEpoch?.(summary, checkpoint(epoch));
    }
  } finally {
    trainer.destroy();
  }
  return summaries;
}
