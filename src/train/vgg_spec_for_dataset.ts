import type { ImageDataset } from '../data/mod.ts';
import type { VggFeature, VggSpec } from '../model/mod.ts';

/** The layers of a VGG to train, without what the dataset decides (input, normalisation, labels). */
export interface VggArchitecture {
  readonly features: readonly VggFeature[];
  readonly classifier: readonly number[];
  /** An adaptive average pool between the features and the classifier, [height, width]; none when left out. */
  readonly avgpool?: readonly [number, number];
}

/**
 * The networks `deepinside train` builds. Fashion-MNIST (1×28×28): two blocks of two convs, 3.5 MB of
 * weights; 92.3% on the test split after 4 epochs (batch 128, Adam 2e-3, cosine over 5). Cluttered
 * (3×64×64): four blocks, two convs in the first three, 64 to 256 channels, 9.0 MB; 84.9% on the test split
 * after 6 epochs on an H100 (weights/gpu_train.sh). One conv a block at half these widths underfit (73%
 * after 4 epochs on lavapipe, training accuracy 76%), and at these depths with 32 to 256 channels it
 * reached 82.9% in 5 epochs where this one reached 84.8%.
 */
export const DATASET_ARCHITECTURES = {
  'fashion-mnist': { features: [32, 32, 'M', 64, 64, 'M'], classifier: [256] },
  cluttered: { features: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 256, 'M'], classifier: [128] },
} as const satisfies Record<string, VggArchitecture>;

/** The spec of `architecture` for `dataset`: its input size, its normalisation and its class names. */
export function vggSpecForDataset(dataset: ImageDataset, architecture: VggArchitecture): VggSpec {
  return {
    format: 1,
    architecture: 'vgg',
    features: [...architecture.features],
    classifier: [...architecture.classifier],
    ...(architecture.avgpool ? { avgpool: [architecture.avgpool[0], architecture.avgpool[1]] as const } : {}),
    input: { ...dataset.input },
    normalize: { mean: [...dataset.normalize.mean], std: [...dataset.normalize.std] },
    labels: [...dataset.classes],
  };
}
