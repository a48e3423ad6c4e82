import type { VggSpec } from './vgg_spec.ts';

/** A 3×3 convolution with padding 1 and bias; `height`×`width` is its input (and output) size. */
export interface VggConvLayer {
  readonly kind: 'conv';
  /** Prefix of its tensors: `features.{i}` (`.weight` [out, in, 3, 3], `.bias` [out]). */
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly height: number;
  readonly width: number;
}
/** ReLU over `size` values per image (following a conv or a hidden linear layer). */
export interface VggReluLayer {
  readonly kind: 'relu';
  readonly size: number;
}
/** 2×2 max-pool, stride 2, floor mode; `height`×`width` is its input size. */
export interface VggMaxPoolLayer {
  readonly kind: 'maxpool';
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}
/** torchvision's AdaptiveAvgPool2d from `height`×`width` to `outHeight`×`outWidth`. */
export interface VggAvgPoolLayer {
  readonly kind: 'avgpool';
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly outHeight: number;
  readonly outWidth: number;
}
/** A fully connected layer; its input is the previous output flattened in C, H, W order. */
export interface VggLinearLayer {
  readonly kind: 'linear';
  /** Prefix of its tensors: `classifier.{3k}` (`.weight` [out, in], `.bias` [out]). */
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
}
export type VggLayer = VggConvLayer | VggReluLayer | VggMaxPoolLayer | VggAvgPoolLayer | VggLinearLayer;

/**
 * The layers a spec describes, in order, with every shape resolved, as torchvision's `VGG.forward`
 * runs them (dropout is the identity at inference). An avgpool whose output equals its input is left out.
 */
export function vggLayers(spec: VggSpec): VggLayer[] {
  const layers: VggLayer[] = [];
  let { channels, height, width } = spec.input;
  // torchvision's Sequential index: a conv and its ReLU take two places, a max-pool one.
  let module = 0;
  for (const feature of spec.features) {
    if (feature === 'M') {
      if (height < 2 || width < 2) {
        throw new RangeError(`vgg: max-pool at features.${module} gets a ${height}×${width} map; it needs at least 2×2`);
      }
      layers.push({ kind: 'maxpool', channels, height, width });
      height = Math.floor(height / 2);
      width = Math.floor(width / 2);
      module += 1;
      continue;
    }
    layers.push({ kind: 'conv', name: `features.${module}`, inChannels: channels, outChannels: feature, height, width });
    layers.push({ kind: 'relu', size: feature * height * width });
    channels = feature;
    module += 2;
  }
  if (spec.avgpool && (spec.avgpool[0] !== height || spec.avgpool[1] !== width)) {
    const [outHeight, outWidth] = spec.avgpool;
    layers.push({ kind: 'avgpool', channels, height, width, outHeight, outWidth });
    height = outHeight;
    width = outWidth;
  }
  let features = channels * height * width;
  const widths = [...spec.classifier, spec.labels.length];
  widths.forEach((outFeatures, k) => {
    layers.push({ kind: 'linear', name: `classifier.${3 * k}`, inFeatures: features, outFeatures });
    if (k < widths.length - 1) layers.push({ kind: 'relu', size: outFeatures });
    features = outFeatures;
  });
  return layers;
}

/** The tensors a spec needs, by name, with their shapes, in layer order. */
export function vggTensorShapes(spec: VggSpec): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const layer of vggLayers(spec)) {
    if (layer.kind === 'conv') {
      shapes.set(`${layer.name}.weight`, [layer.outChannels, layer.inChannels, 3, 3]);
      shapes.set(`${layer.name}.bias`, [layer.outChannels]);
    } else if (layer.kind === 'linear') {
      shapes.set(`${layer.name}.weight`, [layer.outFeatures, layer.inFeatures]);
      shapes.set(`${layer.name}.bias`, [layer.outFeatures]);
    }
  }
  return shapes;
}
