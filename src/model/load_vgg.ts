import { readSafetensors } from '../io/mod.ts';
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
 * @throws Error when the file is malformed, has neither metadata nor preset, lacks a tensor, has one of
 *   the wrong shape or one the spec does not know; the errors of `parseVggSpec` and `vggPreset` as they are.
 * @example
 * const model = loadVgg(new Uint8Array(await (await fetch('vgg16.safetensors')).arrayBuffer()), { preset: 'vgg16' });
 */
export function loadVgg(bytes: Uint8Array, options: { readonly preset?: string } = {}): VggModelData {
  const file = readSafetensors(bytes);
  const stored = file.metadata.deepinside;
  let spec: VggSpec;
  if (stored !== undefined) {
    spec = parseVggSpec(stored);
  } else if (options.preset !== undefined) {
    spec = vggPreset(options.preset);
  } else {
    throw new Error(
      `loadVgg: the file has no "deepinside" metadata; for a bare torchvision state_dict pass ` +
        `{ preset } with one of ${VGG_PRESET_NAMES.join(', ')}`,
    );
  }

  const expected = vggTensorShapes(spec);
  // Unexpected names first: they say more (a batch-norm VGG shows "running_mean") than the first gap does.
  const unexpected = [...file.tensors.keys()].filter((name) => !expected.has(name) && name !== MEAN_IMAGE_TENSOR);
  if (unexpected.length > 0) {
    const listed = unexpected.slice(0, 3).map((name) => `"${name}"`).join(', ');
    const more = unexpected.length > 3 ? ` and ${unexpected.length - 3} more` : '';
    throw new Error(
      `loadVgg: unexpected tensors ${listed}${more}; a plain VGG has only conv and linear weights and biases ` +
        `(batch-norm VGGs are not supported)`,
    );
  }
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of expected) {
    const tensor = file.tensors.get(name);
    if (!tensor) {
      throw new Error(`loadVgg: the file lacks tensor "${name}" [${shape.join(', ')}] that the spec needs`);
    }
    if (tensor.shape.length !== shape.length || tensor.shape.some((size, i) => size !== shape[i])) {
      throw new Error(
        `loadVgg: tensor "${name}" has shape [${tensor.shape.join(', ')}] but the spec needs [${shape.join(', ')}]`,
      );
    }
    weights.set(name, tensor.data);
  }
  const mean = file.tensors.get(MEAN_IMAGE_TENSOR);
  if (!mean) return { spec, weights };
  const { channels, height, width } = spec.input;
  if (mean.shape.length !== 3 || mean.shape[0] !== channels || mean.shape[1] !== height || mean.shape[2] !== width) {
    throw new Error(`loadVgg: tensor "${MEAN_IMAGE_TENSOR}" has shape [${mean.shape.join(', ')}] but the model's input is [${channels}, ${height}, ${width}]`);
  }
  return { spec, weights, meanImage: mean.data };
}
