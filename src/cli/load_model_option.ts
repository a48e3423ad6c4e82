import { readFileSync } from 'node:fs';
import { FormatError } from '../io/mod.ts';
import { type LoadedModel, loadModel, type LoadModelOptions, VGG_PRESET_NAMES } from '../model/mod.ts';

/**
 * The model file that `--model` names, in either format (a safetensors VGG, with `--preset` for a bare
 * torchvision file, or ONNX), as a graph, with `--mean`/`--std`/`--labels` overrides applied.
 * @throws RangeError when no path is given, the preset is unknown, the file does not exist, or the loader
 *   refuses it for a reason not
 *   in the file (its one-line message, prefixed with the path); FormatError, naming the path, for a bad file.
 */
export function loadModelOption(path: string | undefined, preset?: string, overrides: LoadModelOptions = {}): LoadedModel {
  if (path === undefined) throw new RangeError('--model is required: a .safetensors VGG or an .onnx file');
  if (preset !== undefined && !VGG_PRESET_NAMES.includes(preset)) {
    throw new RangeError(`--preset ${preset} is not one of ${VGG_PRESET_NAMES.join(', ')}`);
  }
  const bytes = readModelFile(path);
  try {
    return loadModel(bytes, { ...overrides, ...(preset === undefined ? {} : { preset }), name: path });
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new RangeError(`${path}: ${firstLine((error as Error).message)}`);
  }
}

/** A model file's bytes; a RangeError naming the path when it cannot be read. */
export function readModelFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RangeError(`model file ${path} does not exist`);
    if (code === 'EISDIR') throw new RangeError(`model file ${path} is a folder; give the .safetensors or .onnx file`);
    throw new RangeError(`cannot read model file ${path}: ${(error as Error).message}`);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
