import { countNonFinite, FormatError, readSafetensors } from '../io/mod.ts';
import { parseVggSpec } from './parse_vgg_spec.ts';
import { vggTensorShapes } from './vgg_layers.ts';
import { VGG_PRESET_NAMES, vggPreset } from './vgg_presets.ts';
import type { VggSpec } from './vgg_spec.ts';

/** A VGG's spec and its float32 weights by torchvision name, in layer order. */
export interface VggModelData {
  readonly spec: VggSpec;
  /** `features.{i}.weight` [out, in, 3, 3], `features.{i}.bias` [out], `classifier.{3k}.weight` [out, in], ... */
  readonly weights: ReadonlyMap<string, Float32Array>;
  /**
   * The training split's mean image, (C, H, W), in pixels scaled to [0, 1], when the file has it (the
   * `mean_image` tensor, which `deepinside train` writes): the anchor of class models with priors.
   */
  readonly meanImage?: Float32Array;
}

/** The name of the optional tensor that holds a model's mean image. */
export const MEAN_IMAGE_TENSOR = 'mean_image';

/**
 * Loads a VGG from safetensors bytes. The spec is the file's `deepinside` metadata when it has one (and
 * then `options.preset` is not consulted); a bare torchvision `state_dict` needs `options.preset`. Every
 * tensor the spec needs must be there with its exact shape, and nothing else may be but the optional
 * `mean_image`: a batch-norm VGG (`vgg16_bn`) is refused by its extra tensors rather than loaded wrongly.
 * F32 weights may be views into `bytes` (see `readSafetensors`).
 *
 * Weights and mean image must be finite: a NaN or infinite value is refused, naming the tensor and how many
 * such values it holds, rather than computing NaN maps later. `options.name` is how errors name the file.
 *
 * @throws FormatError when the file is malformed (see `readSafetensors`), its metadata is not a valid spec
 *   (the problems `parseVggSpec` finds), it has neither metadata nor preset, lacks a tensor, has one of the
 *   wrong shape, one the spec does not know, or non-finite values; RangeError for an unknown preset.
 * @example
 * const model = loadVgg(new Uint8Array(await (await fetch('vgg16.safetensors')).arrayBuffer()), { preset: 'vgg16' });
 */
export function loadVgg(bytes: Uint8Array, options: { readonly preset?: string; readonly name?: string } = {}): VggModelData {
  try {
    return readVgg(bytes, options.preset);
  } catch (error) {
    throw error instanceof FormatError && options.name !== undefined ? error.withFile(options.name) : error;
  }
}

function readVgg(bytes: Uint8Array, preset: string | undefined): VggModelData {
  const file = readSafetensors(bytes);
  const stored = file.metadata.deepinside;
  let spec: VggSpec;
  if (stored !== undefined) {
    try {
      spec = parseVggSpec(stored);
    } catch (error) {
      // parseVggSpec checks specs made in code too, with the built-in errors; from a file they are a bad file.
      // Anything else (a bug, the stack exhausted) is not the file's problem to name.
      const message = error instanceof Error ? error.message : '';
      if (!message.startsWith('vgg spec: ')) throw error;
      throw new FormatError('vgg spec', `${message.slice('vgg spec: '.length)} (in the "deepinside" metadata)`);
    }
  } else if (preset !== undefined) {
    spec = vggPreset(preset);
  } else {
    throw new FormatError(
      'vgg model',
      `the file has no "deepinside" metadata; for a bare torchvision state_dict pass ` +
        `{ preset } with one of ${VGG_PRESET_NAMES.join(', ')}`,
    );
  }

  const expected = vggTensorShapes(spec);
  // Unexpected names first: they say more (a batch-norm VGG shows "running_mean") than the first gap does.
  const unexpected = [...file.tensors.keys()].filter((name) => !expected.has(name) && name !== MEAN_IMAGE_TENSOR);
  if (unexpected.length > 0) {
    const listed = unexpected.slice(0, 3).map((name) => JSON.stringify(name.length > 40 ? `${name.slice(0, 37)}...` : name)).join(', ');
    const more = unexpected.length > 3 ? ` and ${unexpected.length - 3} more` : '';
    throw new FormatError(
      'vgg model',
      `unexpected tensors ${listed}${more}; a plain VGG has only conv and linear weights and biases ` +
        `(batch-norm VGGs are not supported)`,
    );
  }
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of expected) {
    const tensor = file.tensors.get(name);
    if (!tensor) {
      throw new FormatError('vgg model', `the file lacks tensor "${name}" [${shape.join(', ')}] that the spec needs`);
    }
    if (tensor.shape.length !== shape.length || tensor.shape.some((size, i) => size !== shape[i])) {
      throw new FormatError(
        'vgg model',
        `tensor "${name}" has shape [${tensor.shape.slice(0, 8).join(', ')}${tensor.shape.length > 8 ? ', ...' : ''}] but the spec needs [${shape.join(', ')}]`,
      );
    }
    checkFinite(name, tensor.data);
    weights.set(name, tensor.data);
  }
  const mean = file.tensors.get(MEAN_IMAGE_TENSOR);
  if (!mean) return { spec, weights };
  checkFinite(MEAN_IMAGE_TENSOR, mean.data);
  const { channels, height, width } = spec.input;
  if (mean.shape.length !== 3 || mean.shape[0] !== channels || mean.shape[1] !== height || mean.shape[2] !== width) {
    throw new FormatError('vgg model', `tensor "${MEAN_IMAGE_TENSOR}" has shape [${mean.shape.slice(0, 8).join(', ')}${mean.shape.length > 8 ? ', ...' : ''}] but the model's input is [${channels}, ${height}, ${width}]`);
  }
  return { spec, weights, meanImage: mean.data };
}

function checkFinite(name: string, data: Float32Array): void {
  const bad = countNonFinite(data);
  if (bad > 0) {
    throw new FormatError(
      'vgg model',
      `tensor "${name}" holds ${bad} non-finite value${bad === 1 ? '' : 's'} (NaN or ±Infinity) of ${data.length}; ` +
        `the maps it would compute are meaningless`,
    );
  }
}
