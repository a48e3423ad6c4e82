import { GraphModel } from '../graph/mod.ts';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { meanImage, takeItems } from '../data/mod.ts';
import { saveVgg, type VggFeature, vggGraph, vggLayers, type VggModelData } from '../model/mod.ts';
import { Random } from '../random/mod.ts';
import {
  checkDatasetFits,
  DATASET_ARCHITECTURES,
  evaluate,
  initTrainingWeights,
  LEARNING_RATE_SCHEDULES,
  type LearningRateSchedule,
  OPTIMIZER_NAMES,
  type OptimizerName,
  readTrainCheckpoint,
  readVggWeights,
  type TrainCheckpointFile,
  type VggArchitecture,
  writeTrainCheckpoint,
  train,
  vggSpecForDataset,
} from '../train/mod.ts';
import { checkBatchFits } from './check_batch_fits.ts';
import type { Command } from './command.ts';
import { loadVggOption } from './load_vgg_option.ts';
import { parseNumber, parseOptions } from './parse_options.ts';
import { progressBar } from './progress_bar.ts';
import { formatDuration, throttle } from './progress_timing.ts';
import { FASHION_MNIST_FOLDER } from './read_fashion_mnist.ts';
import { datasetOption, readDataset } from './read_dataset.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const architecture = (name: keyof typeof DATASET_ARCHITECTURES) => {
  const { features, classifier, avgpool } = DATASET_ARCHITECTURES[name] as VggArchitecture;
  return `features ${JSON.stringify(features)}, ${avgpool ? `avgpool ${JSON.stringify(avgpool)}, ` : ''}classifier ${JSON.stringify(classifier)}`;
};

const HELP = `usage: deepinside train --dataset fashion-mnist|cluttered --out MODEL.safetensors [options]

Trains a VGG from random weights on the dataset's train split on the GPU, showing the running loss
and accuracy, writes it (its spec, labels and normalisation as metadata, and the training items' mean
image, which classviz --mean-prior starts from) whole or not at all, then prints its accuracy on the
test split.

  fashion-mnist  1×28×28: ${architecture('fashion-mnist')}
  cluttered      3×64×64: ${architecture('cluttered')}
                 (Fashion-MNIST items tinted and pasted on cluttered coloured backgrounds)

  --epochs E        passes over the training data (default 10)
  --batch B         mini-batch size (default 64)
  --lr η            base learning rate (default 1e-3 for adam, 0.05 for sgd)
  --optimizer O     adam, or sgd with momentum 0.9 (default adam)
  --schedule S      constant, or cosine from η to 0 over the run (default cosine)
  --weight-decay λ  L2 penalty on every parameter (default 0)
  --seed S          seeds the weights, the shuffles and the augmentation (default 1)
  --limit N         train on the first N training items only, for quick runs
  --test-limit N    test on the first N test items only
  --test-each-epoch  also print the test accuracy after every epoch
  --save-each-epoch  also write the model after every epoch, so a long run stopped early leaves one,
                    and beside it OUT.checkpoint: the weights, the optimiser's state (Adam's moments or
                    SGD's velocity, its step count) and the shuffling and augmentation streams after
                    that epoch (removed when the run finishes)
  --resume          continue a run stopped after an epoch from OUT.checkpoint, with the same options
                    (refused if any differs): the result is the uninterrupted run's
  --no-augment      no random mirroring (nor, for fashion-mnist, shifts of up to 2 pixels)
  --init MODEL      start from this model's weights (and architecture) instead of random ones, to
                    train further: a second run with a small --lr fine-tunes a trained model
  --freeze K        keep the first K conv layers (from the input) as they are and train the layers
                    above them only; the backward pass stops there, so a fine-tune of the top of a
                    model (with --init) costs little more than its forward pass
  --features LIST   another architecture's conv widths and pools, e.g. 16,16,M,32,32,M
  --classifier LIST  and its hidden widths, e.g. 128 (none: --classifier "")
  --avgpool H,W     an adaptive average pool to H×W before the classifier (1,1: global average
                    pooling, so that the classifier sees what, not where)
  --data FOLDER     Fashion-MNIST's gzip IDX files (default ${FASHION_MNIST_FOLDER})

example:
  npx deepinside train --dataset fashion-mnist --epochs 5 --batch 128 --lr 2e-3 --out weights/vgg-fashion.safetensors`;

/** `deepinside train`: trains the dataset's VGG from scratch on the GPU and writes it as safetensors. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a VGG on fashion-mnist or cluttered, write it as safetensors',
  help: HELP,
  async run(args, context) {
    const options = parseOptions('train', args, {
      dataset: { type: 'string' },
      out: { type: 'string' },
      epochs: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      optimizer: { type: 'string' },
      schedule: { type: 'string' },
      'weight-decay': { type: 'string' },
      seed: { type: 'string' },
      limit: { type: 'string' },
      'test-limit': { type: 'string' },
      'no-augment': { type: 'boolean' },
      'test-each-epoch': { type: 'boolean' },
      'save-each-epoch': { type: 'boolean' },
      resume: { type: 'boolean' },
      data: { type: 'string' },
      features: { type: 'string' },
      classifier: { type: 'string' },
      init: { type: 'string' },
      avgpool: { type: 'string' },
      freeze: { type: 'string' },
    });
    const name = datasetOption('train', options.dataset);
    const out = options.out;
    if (out === undefined) throw new RangeError('train: --out is required: where to write the model (.safetensors)');
    const folder = dirname(out);
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
      throw new RangeError(`train: cannot write ${out}: the folder ${folder} does not exist`);
    }
    const whole = { integer: true, min: 1 };
    const epochs = parseNumber('--epochs', options.epochs ?? '10', whole);
    const batchSize = parseNumber('--batch', options.batch ?? '64', whole);
    const optimizer = choice('--optimizer', options.optimizer ?? 'adam', OPTIMIZER_NAMES) as OptimizerName;
    const learningRate = parseNumber('--lr', options.lr ?? (optimizer === 'adam' ? '1e-3' : '0.05'), { positive: true });
    const schedule = choice('--schedule', options.schedule ?? 'cosine', LEARNING_RATE_SCHEDULES) as LearningRateSchedule;
    const weightDecay = parseNumber('--weight-decay', options['weight-decay'] ?? '0', { min: 0 });
    const seed = parseNumber('--seed', options.seed ?? '1', { integer: true, min: 0 });
    if (seed > 0xffffffff) throw new RangeError(`--seed ${seed} must be below 2^32`);
    const limit = options.limit === undefined ? undefined : parseNumber('--limit', options.limit, whole);
    const testLimit = options['test-limit'] === undefined ? undefined : parseNumber('--test-limit', options['test-limit'], whole);
    const freeze = options.freeze === undefined ? 0 : parseNumber('--freeze', options.freeze, { integer: true, min: 0 });
    const dataFolder = options.data ?? FASHION_MNIST_FOLDER;
    const augment = options['no-augment'] ? undefined : name === 'fashion-mnist' ? { flip: true, shift: 2 } : { flip: true };

    let trainSet = readDataset(name, 'train', dataFolder);
    if (limit !== undefined) trainSet = takeItems(trainSet, limit);
    let testSet = readDataset(name, 'test', dataFolder);
    if (testLimit !== undefined) testSet = takeItems(testSet, testLimit);

    // What a resumed run must share with the run that wrote the checkpoint.
    const run = {
      dataset: name, limit: limit ?? null, epochs, batch: batchSize, optimizer, lr: learningRate, schedule, weightDecay, seed, freeze,
      augment: augment !== undefined, init: options.init ?? null, features: options.features ?? null, classifier: options.classifier ?? null, avgpool: options.avgpool ?? null,
    };
    const checkpointPath = `${out}.checkpoint`;
    let resumed: TrainCheckpointFile | undefined;
    if (options.resume) resumed = readCheckpointOption(checkpointPath, run);

    let start: VggModelData;
    if (resumed) {
      start = resumed.model;
    } else if (options.init !== undefined) {
      if (options.features !== undefined || options.classifier !== undefined || options.avgpool !== undefined) {
        throw new RangeError('train: --init takes its architecture from the model; leave out --features, --classifier and --avgpool');
      }
      start = loadVggOption(options.init);
      try {
        checkDatasetFits(start.spec, trainSet);
      } catch (error) {
        throw new RangeError(`train: --init ${options.init} does not fit ${name}: ${(error as Error).message}`);
      }
    } else {
      const spec = vggSpecForDataset(trainSet, {
        features: options.features === undefined ? DATASET_ARCHITECTURES[name].features : featuresOption(options.features),
        classifier: options.classifier === undefined ? DATASET_ARCHITECTURES[name].classifier : classifierOption(options.classifier),
        ...(options.avgpool !== undefined ? { avgpool: avgpoolOption(options.avgpool) } : architectureAvgpool(DATASET_ARCHITECTURES[name])),
      });
      vggLayers(spec);
      start = { spec, weights: initTrainingWeights(spec, new Random(seed)) };
    }
    const { spec } = start;
    const convs = spec.features.filter((feature) => feature !== 'M').length;
    if (freeze > convs) throw new RangeError(`train: --freeze ${freeze} is more than the model's ${convs} conv layers`);
    const gpu = await context.gpu();
    // The last batch of an epoch may be smaller, never larger; a batch above the set's size is the set.
    checkBatchFits(gpu.limits, vggGraph(start), Math.min(batchSize, trainSet.length));
    const model = GraphModel.create(gpu, vggGraph(start));
    if (resumed) context.note(`resuming after epoch ${resumed.checkpoint.epoch} from ${checkpointPath}`);
    else if (options.init !== undefined) context.note(`starting from the weights of ${options.init}`);
    context.note(`training on ${trainSet.name} (${trainSet.length} items) with ${gpu.adapterName}`);
    context.note(
      `VGG features ${JSON.stringify(spec.features)}, ${spec.avgpool ? `avgpool ${JSON.stringify(spec.avgpool)}, ` : ''}classifier ${JSON.stringify(spec.classifier)}; ${optimizer} η=${learningRate} ${schedule}, batch ${batchSize}, ` +
        `${epochs} epoch(s), ${augment ? 'augmented' : 'not augmented'}, seed ${seed}${freeze ? `, the first ${freeze} conv layer(s) frozen` : ''}`,
    );
    // The mean image goes into the file with the weights (classviz --mean-prior).
    context.progress(`averaging the ${trainSet.length} training images for the model's mean image`);
    const mean = meanImage(trainSet);
    const save = async () => writeFileAtomic(out, saveVgg({ ...(await readVggWeights(model, spec)), meanImage: mean }));
    const show = throttle(1);
    await train(model, trainSet, {
      epochs, batchSize, optimizer, learningRate, schedule, weightDecay, seed, freeze, ...(augment ? { augment } : {}),
      ...(resumed ? { resume: resumed.checkpoint } : {}),
      onProgress(p) {
        show(p.batch === p.batches, () => {
          const left = ((p.batches - p.batch) * batchSize + (p.epochs - p.epoch) * trainSet.length) / p.imagesPerSecond;
          context.progress(
            `epoch ${p.epoch}/${p.epochs} ${progressBar(p.batch / p.batches)} ${p.batch}/${p.batches} ` +
              `loss ${p.loss.toFixed(4)} accuracy ${(100 * p.accuracy).toFixed(1)}% ${p.imagesPerSecond.toFixed(0)} images/s ` +
              `η ${p.learningRate.toExponential(1)} left ${formatDuration(left)}`,
            { job: 'training', done: (p.epoch - 1) * p.batches + p.batch, total: p.epochs * p.batches, unit: 'batches', timed: false },
          );
        });
      },
      async onEpoch(s, checkpoint) {
        let test = '';
        if (options['test-each-epoch'] && s.epoch < epochs) {
          const { accuracy } = await evaluate(model, testSet);
          test = `, test accuracy ${(100 * accuracy).toFixed(2)}%`;
        }
        context.note(
          `epoch ${s.epoch}: loss ${s.loss.toFixed(4)}, train accuracy ${(100 * s.accuracy).toFixed(2)}%${test}, ` +
            `${s.imagesPerSecond.toFixed(1)} images/s, ${formatDuration(s.seconds)}`,
        );
        if (options['save-each-epoch'] && s.epoch < epochs) {
          // The checkpoint first: a run stopped between the two writes resumes from it and rewrites the model.
          writeFileAtomic(checkpointPath, writeTrainCheckpoint(await readVggWeights(model, spec), await checkpoint(), run));
          await save();
          context.note(`wrote ${out} (after epoch ${s.epoch})`);
        }
      },
    });
    await save();
    context.note(`wrote ${out}`);
    rmSync(checkpointPath, { force: true });
    const showTest = throttle(1);
    const result = await evaluate(model, testSet, {
      onProgress: (done, total) => showTest(done === total, () => context.progress(`testing ${progressBar(done / total)} ${done}/${total}`, { job: 'testing', done, total, unit: 'images' })),
    });
    model.destroy();
    context.print(
      `test accuracy: ${(100 * result.accuracy).toFixed(2)}% (${result.correct}/${result.count} of ${testSet.name}), loss ${result.loss.toFixed(4)}`,
    );
    return 0;
  },
};

/** The checkpoint `--resume` continues from, checked to belong to a run with the same options. */
function readCheckpointOption(path: string, run: Readonly<Record<string, unknown>>): TrainCheckpointFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new RangeError(`train --resume: there is no checkpoint ${path}; a run with --save-each-epoch writes one after each epoch`);
  }
  const file = readTrainCheckpoint(bytes, path);
  const differ = Object.keys(run).filter((key) => JSON.stringify(run[key]) !== JSON.stringify(file.run[key]));
  if (differ.length > 0) {
    const shown = differ.map((key) => `${key} ${JSON.stringify(file.run[key])} → ${JSON.stringify(run[key])}`).join(', ');
    throw new RangeError(`train --resume: ${path} belongs to a run with other options (${shown}); give the same options, or start afresh without --resume`);
  }
  return file;
}

/** `--features 16,16,M,32`: conv widths and "M" for a max-pool. */
function featuresOption(text: string): VggFeature[] {
  const entries = text.split(',').map((entry) => entry.trim());
  return entries.map((entry) => {
    if (entry === 'M') return 'M';
    return parseNumber('--features', entry, { integer: true, min: 1 });
  });
}

/** `--classifier 256,128`: hidden widths; empty for none. */
function classifierOption(text: string): number[] {
  return text.trim() === '' ? [] : text.split(',').map((entry) => parseNumber('--classifier', entry.trim(), { integer: true, min: 1 }));
}

/** `--avgpool 1,1`: the pooled height and width. */
function avgpoolOption(text: string): [number, number] {
  const sizes = text.split(',').map((entry) => parseNumber('--avgpool', entry.trim(), { integer: true, min: 1 }));
  if (sizes.length !== 2) throw new RangeError(`--avgpool ${text} must be two whole numbers, height,width (1,1 for a global average)`);
  return [sizes[0], sizes[1]];
}

function architectureAvgpool(architecture: VggArchitecture): { avgpool?: readonly [number, number] } {
  return architecture.avgpool ? { avgpool: architecture.avgpool } : {};
}

function choice(option: string, text: string, choices: readonly string[]): string {
  if (!choices.includes(text)) throw new RangeError(`${option} ${text} is not one of ${choices.join(', ')}`);
  return text;
}
