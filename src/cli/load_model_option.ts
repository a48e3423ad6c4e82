import { readFileSync } from 'node:fs';
import { loadVgg, VGG_PRESET_NAMES, type VggModelData } from '../model/mod.ts';

/**
 * The VGG that the `--model` and `--preset` options name: a safetensors file, with `preset` for a bare
 * torchvision file (the file's own metadata wins when it has some).
 * @throws RangeError when no path is given, the preset is unknown or the file cannot be read; FormatError
 *   (naming the path) when `loadVgg` refuses the file.
 */
export function loadModelOption(path: string | undefined, preset?: string): VggModelData {
  if (path === undefined) throw new RangeError('--model is required: a VGG as a .safetensors file');
  if (preset !== undefined && !VGG_PRESET_NAMES.includes(preset)) {
    throw new RangeError(`--preset ${preset} is not one of ${VGG_PRESET_NAMES.join(', ')}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RangeError(`model file ${path} does not exist`);
    if (code === 'EISDIR') throw new RangeError(`model file ${path} is a folder; give the .safetensors file`);
    throw new RangeError(`cannot read model file ${path}: ${(error as Error).message}`);
  }
  return loadVgg(bytes, preset === undefined ? { name: path } : { preset, name: path });
}
