import { meanImage } from '../data/mod.ts';
import { saveVgg } from '../model/mod.ts';
import { checkDatasetFits } from '../train/mod.ts';
import { checkOutputPath } from './check_output_path.ts';
import type { Command } from './command.ts';
import { loadVggOption } from './load_vgg_option.ts';
import { parseOptions } from './parse_options.ts';
import { FASHION_MNIST_FOLDER } from './read_fashion_mnist.ts';
import { datasetOption, readDataset } from './read_dataset.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const HELP = `usage: deepinside mean-image --model MODEL.safetensors --dataset fashion-mnist|cluttered --out OUT.safetensors

Writes the model again with the mean image of the dataset's training split (pixel by pixel, in [0, 1])
stored beside its weights, which stay as they are. train stores it itself; this is for models trained
before it did. classviz --mean-prior starts the class models from it.

  --data FOLDER  Fashion-MNIST's gzip IDX files (default ${FASHION_MNIST_FOLDER})

example:
  npx deepinside mean-image --model old.safetensors --dataset fashion-mnist --out new.safetensors`;

/** `deepinside mean-image`: adds a dataset's mean image to a model file. */
export const meanImageCommand: Command = {
  name: 'mean-image',
  summary: "store a training split's mean image in a model file (for classviz --mean-prior)",
  help: HELP,
  async run(args, context) {
    const options = parseOptions('mean-image', args, {
      model: { type: 'string' },
      dataset: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
    });
    const name = datasetOption('mean-image', options.dataset);
    if (options.out === undefined) throw new RangeError('mean-image: --out is required: where to write the model (.safetensors)');
    checkOutputPath('--out', options.out);
    const model = loadVggOption(options.model);
    const data = readDataset(name, 'train', options.data ?? FASHION_MNIST_FOLDER);
    try {
      checkDatasetFits(model.spec, data);
    } catch (error) {
      throw new RangeError(`mean-image: ${options.model} does not fit ${name}: ${(error as Error).message}`);
    }
    context.progress(`averaging the ${data.length} images of ${data.name}`);
    writeFileAtomic(options.out, saveVgg({ spec: model.spec, weights: model.weights, meanImage: meanImage(data) }));
    context.print(`wrote ${options.out} with the mean image of ${data.name} (${data.length} images)`);
    return 0;
  },
};
