import { type VggSpec, vggLayers, vggPreset } from '../../src/model/mod.ts';

/** torchvision's VGG16 classifier: two hidden layers of 4096, then ImageNet's 1000 classes. */
export const VGG16_CLASSIFIER: readonly number[] = [4096, 4096, 1000];

/**
 * VGG16's features on a 3×`inputSize`×`inputSize` image, then fully connected layers of `classifierSizes`
 * (the last is the number of classes). There is no adaptive average pool: at 224×224 the features end
 * at 7×7, where torchvision's pool is the identity, so this is torchvision's VGG16; at other sizes the
 * classifier reads the features' own map. The peers and the reference build the same network from it.
 */
export function vgg16Spec(inputSize: number, classifierSizes: readonly number[] = VGG16_CLASSIFIER): VggSpec {
  if (!Number.isInteger(inputSize) || inputSize < 32) {
    throw new RangeError(`vgg16Spec: input size ${inputSize} must be an integer of at least 32 (five 2×2 pools)`);
  }
  if (classifierSizes.length < 1 || classifierSizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new RangeError(`vgg16Spec: classifier sizes [${classifierSizes.join(', ')}] must be one or more positive integers`);
  }
  const preset = vggPreset('vgg16');
  const classes = classifierSizes[classifierSizes.length - 1];
  return {
    ...preset,
    classifier: classifierSizes.slice(0, -1),
    avgpool: undefined,
    input: { channels: 3, height: inputSize, width: inputSize },
    labels: Array.from({ length: classes }, (_, i) => `class ${i}`),
  };
}

/**
 * The multiply-adds of a saliency map, counted as 2 FLOPs each: the forward pass through every conv and
 * linear layer, and the backward pass to the input through each again (no weight gradients). Pools,
 * ReLUs and the max over channels are left out (they are under 0.1% of it).
 */
export function saliencyFlops(spec: VggSpec): number {
  let forward = 0;
  for (const layer of vggLayers(spec)) {
    if (layer.kind === 'conv') forward += 2 * layer.outChannels * layer.inChannels * 9 * layer.height * layer.width;
    if (layer.kind === 'linear') forward += 2 * layer.inFeatures * layer.outFeatures;
  }
  return 2 * forward;
}
