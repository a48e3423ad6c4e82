import { type Float32Tensor, writeSafetensors } from '../io/mod.ts';
import { vggTensorShapes } from './vgg_layers.ts';
import { MEAN_IMAGE_TENSOR, type VggModelData } from './load_vgg.ts';

/**
 * Serialises a VGG as safetensors: float32 weights under torchvision's names in layer order, its mean
 * image (when it has one) as `mean_image`, and the spec as JSON under the `deepinside` metadata key, so
 * that `loadVgg` needs no preset to read it back.
 *
 * @throws RangeError when a weight the spec needs is missing or has the wrong number of values, a weight
 *   the spec does not know is present, or the mean image is not one input image.
 * @example
 * const bytes = saveVgg({ spec, weights }); // loadVgg(bytes) gives them back
 */
export function saveVgg(model: VggModelData): Uint8Array {
  const expected = vggTensorShapes(model.spec);
  for (const name of model.weights.keys()) {
    if (!expected.has(name)) throw new RangeError(`saveVgg: weight "${name}" is not part of the spec`);
  }
  const tensors = new Map<string, Float32Tensor>();
  for (const [name, shape] of expected) {
    const data = model.weights.get(name);
    if (!data) throw new RangeError(`saveVgg: weight "${name}" [${shape.join(', ')}] is missing`);
    const count = shape.reduce((product, size) => product * size, 1);
    if (data.length !== count) {
      throw new RangeError(`saveVgg: weight "${name}" has ${data.length} values but [${shape.join(', ')}] holds ${count}`);
    }
    tensors.set(name, { shape, data });
  }
  if (model.meanImage) {
    const { channels, height, width } = model.spec.input;
    if (model.meanImage.length !== channels * height * width) {
      throw new RangeError(`saveVgg: the mean image has ${model.meanImage.length} values but the input [${channels}, ${height}, ${width}] holds ${channels * height * width}`);
    }
    tensors.set(MEAN_IMAGE_TENSOR, { shape: [channels, height, width], data: model.meanImage });
  }
  return writeSafetensors(tensors, { deepinside: JSON.stringify(model.spec) });
}
