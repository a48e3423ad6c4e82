/** One entry of a VGG `features` list: a 3×3 conv (padding 1) with that many outputs, then ReLU; or "M", a 2×2 max-pool. */
export type VggFeature = number | 'M';

/**
 * A VGG-style network, as stored under the `deepinside` key of a safetensors file's `__metadata__`.
 * Tensor names follow torchvision's `VGG` (`features.{i}.weight` [out, in, 3, 3], `classifier.{3k}.weight`
 * [out, in]), so a torchvision `state_dict()` loads as it is.
 */
export interface VggSpec {
  readonly format: 1;
  readonly architecture: 'vgg';
  readonly features: readonly VggFeature[];
  /** Hidden widths of the classifier, each followed by ReLU; the last layer has `labels.length` outputs. */
  readonly classifier: readonly number[];
  /** torchvision's AdaptiveAvgPool2d output size, applied before flattening; absent means none. */
  readonly avgpool?: readonly [height: number, width: number];
  readonly input: { readonly channels: number; readonly height: number; readonly width: number };
  /** Applied after pixels are scaled to [0, 1]: (p − mean[c]) / std[c]. */
  readonly normalize: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly labels: readonly string[];
}
