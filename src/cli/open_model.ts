import { GraphModel } from '../graph/mod.ts';
import { vggGraph } from '../model/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import type { CommandContext } from './command.ts';
import { loadModelOption } from './load_model_option.ts';

/** A model file opened on the GPU, with what the file carried beside the network. */
export interface OpenedModel {
  readonly model: Classifier;
  /** The training split's mean image, (C, H, W) pixels in [0, 1], when the file has one. */
  readonly meanImage?: Float32Array;
}

/**
 * The network that `--model` (and `--preset`) name, on the context's GPU: what every command that explains
 * or scores a model opens. The caller destroys `model`.
 * @throws RangeError as `loadModelOption` does.
 */
export async function openModel(context: CommandContext, path: string | undefined, preset?: string): Promise<OpenedModel> {
  const data = loadModelOption(path, preset);
  const model = GraphModel.create(await context.gpu(), vggGraph(data));
  return data.meanImage ? { model, meanImage: data.meanImage } : { model };
}
