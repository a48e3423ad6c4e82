/**
 * The `deepinside` command line as a library: each command (run it with arguments and a context, as
 * `main.ts` does), and the Node-side file helpers they share. `main.ts` is the program itself.
 * @module
 */
export { checkCommand } from './check.ts';
export { classvizCommand } from './classviz.ts';
export type { Command, CommandContext } from './command.ts';
export { COMMANDS } from './commands.ts';
export { decodePng, MAX_PNG_PIXELS } from './decode_png.ts';
export { describeCommand } from './describe.ts';
export { encodePng } from './encode_png.ts';
export { evaluateCommand } from './evaluate.ts';
export { fidelityCommand } from './fidelity.ts';
export { localiseCommand } from './localise.ts';
export { meanImageCommand } from './mean_image.ts';
export { mergeCommand } from './merge.ts';
export { type OpenedModel, openModel } from './open_model.ts';
export { predictCommand } from './predict.ts';
export { readClutteredDataset } from './read_dataset.ts';
export { FASHION_MNIST_FOLDER, readFashionMnist } from './read_fashion_mnist.ts';
export { saliencyCommand } from './saliency.ts';
export { segmentCommand } from './segment.ts';
export { showcaseCommand } from './showcase.ts';
export { trainCommand } from './train.ts';
export { writeFileAtomic } from './write_file_atomic.ts';
