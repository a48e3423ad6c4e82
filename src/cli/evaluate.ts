import { takeItems } from '../data/mod.ts';
import { checkDatasetFits, evaluate } from '../train/mod.ts';
import type { Command } from './command.ts';
import { formatConfusion } from './format_confusion.ts';
import { loadModelOption } from './load_model_option.ts';
import { MODEL_OVERRIDE_HELP, MODEL_OVERRIDE_OPTIONS, parseModelOverrides } from './model_overrides.ts';
import { openLoaded } from './open_model.ts';
import { parseNumber, parseOptions } from './parse_options.ts';
import { progressBar } from './progress_bar.ts';
import { throttle } from './progress_timing.ts';
import { FASHION_MNIST_FOLDER } from './read_fashion_mnist.ts';
import { datasetOption, readDataset } from './read_dataset.ts';

const HELP = `usage: deepinside evaluate --model MODEL.safetensors|MODEL.onnx --dataset fashion-mnist|cluttered [options]

Runs the model over a whole split in batches and prints its top-1 accuracy, its mean loss and its
confusion matrix (rows: true class, columns: predicted class).

  --model PATH   the model: a VGG as .safetensors or an ONNX file (docs/graphs.md) whose input
                 and classes fit the dataset
  --split S      test or train (default test)
  --limit N      the first N items of the split only
  --batch B      images per forward pass (default 256)
  --json         print one JSON object instead:
                 {"model", "dataset", "split", "count", "correct", "accuracy", "loss", "confusion", "labels"}
  --data FOLDER  Fashion-MNIST's gzip IDX files (default ${FASHION_MNIST_FOLDER})
${MODEL_OVERRIDE_HELP}
example:
  npx deepinside evaluate --model weights/vgg-fashion.safetensors --dataset fashion-mnist`;

/** `deepinside evaluate`: a model's accuracy and confusion matrix over a dataset split. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: "a model's accuracy and confusion matrix on fashion-mnist or cluttered",
  help: HELP,
  async run(args, context) {
    const options = parseOptions('evaluate', args, {
      model: { type: 'string' },
      ...MODEL_OVERRIDE_OPTIONS,
      dataset: { type: 'string' },
      split: { type: 'string' },
      limit: { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'boolean' },
      data: { type: 'string' },
    });
    const name = datasetOption('evaluate', options.dataset);
    const split = options.split ?? 'test';
    if (split !== 'test' && split !== 'train') throw new RangeError(`--split ${split} is not one of test, train`);
    const limit = options.limit === undefined ? undefined : parseNumber('--limit', options.limit, { integer: true, min: 1 });
    const batchSize = parseNumber('--batch', options.batch ?? '256', { integer: true, min: 1 });
    const path = options.model;
    const modelData = loadModelOption(path, undefined, parseModelOverrides(options));
    let data = readDataset(name, split, options.data ?? FASHION_MNIST_FOLDER);
    if (limit !== undefined) data = takeItems(data, limit);
    try {
      checkDatasetFits(modelData.graph.info, data);
    } catch (error) {
      throw new RangeError(`evaluate: ${path} does not fit ${name}: ${(error as Error).message}`);
    }
    const { model } = await openLoaded(context, modelData, { forwardOnly: true });
    const show = throttle(1);
    const result = await evaluate(model, data, {
      batchSize,
      onProgress: (done, total) => show(done === total, () => context.progress(`evaluating ${progressBar(done / total)} ${done}/${total}`, { job: 'evaluating', done, total, unit: 'images' })),
    });
    model.destroy();
    const labels = modelData.graph.info.labels;
    if (options.json) {
      context.print(JSON.stringify({ model: path, dataset: name, split, ...result, labels }));
      return 0;
    }
    context.print(`${data.name}: accuracy ${(100 * result.accuracy).toFixed(2)}% (${result.correct}/${result.count}), loss ${result.loss.toFixed(4)}`);
    context.print(formatConfusion(result, labels));
    return 0;
  },
};
