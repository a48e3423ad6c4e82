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
 * (3×64×64): four conv-and-pool blocks down to 4×4, 3.1 MB; half as wide, it underfit (73% on train
 * and test alike after 3 of 5 epochs), hence these widths.
 */
export const DATASET_ARCHITECTURES = {
  'fashion-mnist': { features: [32, 32, 'M', 64, 64, 'M'], classifier: [256] },
  cluttered: { features: [32, 'M', 64, 'M', 128, 'M', 128, 'M'], classifier: [256] },
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
