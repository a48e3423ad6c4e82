import { IMAGENET_LABELS } from './imagenet_labels.ts';
import type { VggFeature, VggSpec } from './vgg_spec.ts';

// torchvision's `cfgs` "A", "B", "D" and "E" (Simonyan & Zisserman 2015, Table 1), without batch norm.
const FEATURES: Readonly<Record<string, readonly VggFeature[]>> = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/** The presets `vggPreset` knows. */
export const VGG_PRESET_NAMES: readonly string[] = Object.keys(FEATURES);

/**
 * The spec of torchvision's ImageNet VGG `name` (vgg11, vgg13, vgg16 or vgg19): its features, a
 * 4096-4096 classifier behind a 7×7 adaptive average pool, 3×224×224 input with ImageNet's
 * normalisation, and the 1000 ImageNet labels. It describes a bare torchvision `state_dict` saved as
 * safetensors, which carries no spec of its own.
 *
 * @throws RangeError for an unknown name, listing the known ones.
 * @example
 * const model = loadVgg(bytes, { preset: 'vgg16' }); // same as vggPreset('vgg16') for a bare file
 */
export function vggPreset(name: string): VggSpec {
  const features = Object.hasOwn(FEATURES, name) ? FEATURES[name] : undefined;
  if (!features) {
    throw new RangeError(`vggPreset: unknown preset "${name}"; known presets are ${VGG_PRESET_NAMES.join(', ')}`);
  }
  return {
    format: 1,
    architecture: 'vgg',
    features,
    classifier: [4096, 4096],
    avgpool: [7, 7],
    input: { channels: 3, height: 224, width: 224 },
    normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    labels: IMAGENET_LABELS,
  };
}
