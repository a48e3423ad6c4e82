import { loadVgg, VGG_PRESET_NAMES, type VggModelData } from '../model/mod.ts';
import { readModelFile } from './load_model_option.ts';

/**
 * The VGG that `--model` (or `--init`) and `--preset` name, as a spec and weights: for the commands that
 * write a VGG back (train, mean-image), which take safetensors VGGs only.
 * @throws RangeError when no path is given, the preset is unknown, the file does not exist, or `loadVgg`
 *   refuses it (its message, prefixed with the path).
 */
export function loadVggOption(path: string | undefined, preset?: string): VggModelData {
  if (path === undefined) throw new RangeError('--model is required: a VGG as a .safetensors file');
  if (preset !== undefined && !VGG_PRESET_NAMES.includes(preset)) {
    throw new RangeError(`--preset ${preset} is not one of ${VGG_PRESET_NAMES.join(', ')}`);
  }
  const bytes = readModelFile(path);
  try {
    return loadVgg(bytes, preset === undefined ? {} : { preset });
  } catch (error) {
    throw new RangeError(`${path}: ${(error as Error).message}`);
  }
}
