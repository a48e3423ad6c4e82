import { type Classifier, GraphModel } from '../graph/mod.ts';
import type { LoadedModel, LoadModelOptions } from '../model/mod.ts';
import type { CommandContext } from './command.ts';
import { loadModelOption } from './load_model_option.ts';

/** A model file opened on the GPU, with what the file carried beside the network. */
export interface OpenedModel {
  readonly model: Classifier;
  /** The training split's mean image, (C, H, W) pixels in [0, 1], when the file has one. */
  readonly meanImage?: Float32Array;
}

/** How the model runs: forward passes only, and Winograd for its 3×3 layers where measured faster (`--winograd`). */
export interface OpenOptions {
  readonly forwardOnly?: boolean;
  readonly winograd?: boolean;
}

/**
 * The network that `--model` (and `--preset`, `--mean`, `--std`, `--labels`) name, on the context's GPU:
 * what every command that explains or scores a model opens, safetensors VGG or ONNX alike. The loader's
 * notes (defaults an ONNX file left to it) go to `context.note`. The caller destroys `model`.
 * @throws RangeError as `loadModelOption` does.
 */
export async function openModel(
  context: CommandContext,
  path: string | undefined,
  preset?: string,
  overrides: LoadModelOptions = {},
  options: OpenOptions = {},
): Promise<OpenedModel> {
  const loaded = loadModelOption(path, preset, overrides);
  return openLoaded(context, loaded, options);
}

/** `openModel` for a file already loaded (a command that checks the graph's info before it starts the GPU). */
export async function openLoaded(context: CommandContext, loaded: LoadedModel, options: OpenOptions = {}): Promise<OpenedModel> {
  for (const note of loaded.notes) context.note(note);
  const model = GraphModel.create(await context.gpu(), loaded.graph, options);
  return loaded.meanImage ? { model, meanImage: loaded.meanImage } : { model };
}
