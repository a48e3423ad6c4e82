import type { SpatialOutput } from '../graph/mod.ts';

/**
 * The feature maps Grad-CAM weighs by default, "the last convolutional stage", chosen from the outputs'
 * shapes alone so that it works for any graph: the output just before the final pooling (the last output
 * followed by a smaller one with the same channels, when no output after that pooling changes the
 * channels), else the last spatial output. For a VGG this is the last ReLU of `features`, before its pool
 * (VGG16: `features.29`, 512×14×14 at 224); for a VGG whose features end in a convolution, that
 * convolution's ReLU; for a ResNet graph, its last ReLU, before global average pooling.
 * @throws RangeError for a model with no spatial output.
 */
export function gradCamLayer(outputs: readonly SpatialOutput[]): SpatialOutput {
  if (outputs.length === 0) throw new RangeError('gradcam: the model has no spatial output (no convolutional stage) to weigh');
  const area = (o: SpatialOutput) => o.height * o.width;
  for (let j = outputs.length - 2; j >= 0; j--) {
    const [before, after] = [outputs[j], outputs[j + 1]];
    if (after.channels === before.channels && area(after) < area(before)) {
      return outputs.slice(j + 1).every((o) => o.channels === before.channels) ? before : outputs[outputs.length - 1];
    }
  }
  return outputs[outputs.length - 1];
}
