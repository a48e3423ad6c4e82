/**
 * Training and evaluation on the engine's own kernels: mini-batch training with softmax cross-entropy
 * and Adam or SGD with momentum, accuracy and confusion matrices, and the VGGs trained for each dataset.
 * @module
 */
export { checkDatasetFits } from './check_dataset_fits.ts';
export { type Evaluation, evaluate } from './evaluate.ts';
export { LEARNING_RATE_SCHEDULES, type LearningRateSchedule, learningRateAt } from './learning_rate.ts';
export { Optimizer, OPTIMIZER_NAMES, type OptimizerName, type OptimizerOptions } from './optimizer.ts';
export { initTrainingWeights } from './init_training_weights.ts';
export { readVggWeights } from './read_vgg_weights.ts';
export { type EpochSummary, train, type TrainCheckpoint, type TrainOptions, type TrainProgress } from './train.ts';
export { readTrainCheckpoint, type TrainCheckpointFile, writeTrainCheckpoint } from './train_checkpoint_file.ts';
export { type TrainableLayers, trainableLayers } from './trainable_layers.ts';
export { type StepResult, Trainer, type TrainerOptions } from './trainer.ts';
export { DATASET_ARCHITECTURES, type VggArchitecture, vggSpecForDataset } from './vgg_spec_for_dataset.ts';
