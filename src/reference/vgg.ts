import {
  type VggAvgPoolLayer,
  type VggConvLayer,
  type VggLinearLayer,
  type VggMaxPoolLayer,
  type VggSpec,
  vggLayers,
} from '../model/mod.ts';
import type { AdaptiveAvgPool2dShape, Conv2dShape, LinearShape, MaxPool2dShape, ReluRule } from '../shapes/mod.ts';
import { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from './adaptive_avg_pool2d.ts';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.ts';
import { expectLength } from './expect_length.ts';
import { linearBackwardInput, linearBackwardWeight, linearForward } from './linear.ts';
import { maxPool2dBackward, maxPool2dForward } from './max_pool2d.ts';
import { reluBackward, reluForward } from './relu.ts';

/** A network's tensors by name (`features.0.weight`, `classifier.3.bias`, …), shaped as `vggTensorShapes`. */
export type ReferenceWeights = ReadonlyMap<string, ArrayLike<number>>;

/** What a forward pass keeps for its backward pass, and for tests that compare layer by layer. */
export interface ReferenceVggForward {
  /** The batch size. */
  readonly n: number;
  /** (n, classes), the unnormalised class scores S_c. */
  readonly logits: Float64Array;
  /**
   * `activations[i]` is the input of `vggLayers(spec)[i]`, batch-major as the layer reads it, so there is
   * one per layer; the first is the network input, and the last layer's output is `logits`.
   */
  readonly activations: readonly Float64Array[];
  /** `switches[i]` is the max-pool switches of layer i (flat indices into `activations[i]`), null for other layers. */
  readonly switches: readonly (Uint32Array | null)[];
}

/** The gradients of one backward pass. */
export interface ReferenceVggBackward {
  /** (n, C, H, W), with respect to the normalised network input. */
  readonly dInput: Float64Array;
  /**
   * `layerGradients[i]` is the gradient with respect to the input of `vggLayers(spec)[i]` (the first is
   * `dInput`), and the last is dLogits: the gradient to the output of layer i is `layerGradients[i + 1]`.
   */
  readonly layerGradients: readonly Float64Array[];
  /** By tensor name, summed over the batch; present only when asked for. */
  readonly dWeights?: Map<string, Float64Array>;
}

/**
 * The whole network in float64, layer by layer as `vggLayers(spec)` lists them.
 * input: (n, C, H, W), already normalised  →  logits (n, classes) and every layer's input.
 */
export function referenceVggForward(
  spec: VggSpec,
  weights: ReferenceWeights,
  input: ArrayLike<number>,
  n: number,
): ReferenceVggForward {
  const { channels, height, width } = spec.input;
  expectLength('vgg', 'input', input, [n, channels, height, width]);
  const activations: Float64Array[] = [];
  const switches: (Uint32Array | null)[] = [];
  let x: Float64Array = Float64Array.from(input);
  for (const layer of vggLayers(spec)) {
    activations.push(x);
    switches.push(null);
    switch (layer.kind) {
      case 'conv':
        x = conv2dForward(convShape(layer, n), x, tensor(weights, layer, 'weight'), tensor(weights, layer, 'bias'));
        break;
      case 'relu':
        x = reluForward(x);
        break;
      case 'maxpool': {
        const pooled = maxPool2dForward(poolShape(layer, n), x);
        x = pooled.y;
        switches[switches.length - 1] = pooled.switches;
        break;
      }
      case 'avgpool':
        x = adaptiveAvgPool2dForward(avgPoolShape(layer, n), x);
        break;
      case 'linear':
        x = linearForward(linearShape(layer, n), x, tensor(weights, layer, 'weight'), tensor(weights, layer, 'bias'));
        break;
    }
  }
  return { n, logits: x, activations, switches };
}

/**
 * Backpropagates `dLogits` (n, classes) through a forward pass, passing every ReLU (features and
 * classifier alike) by `rule`. With `withWeights`, also the gradient of every tensor, named as the weights.
 */
export function referenceVggBackward(
  spec: VggSpec,
  weights: ReferenceWeights,
  forward: ReferenceVggForward,
  dLogits: ArrayLike<number>,
  rule: ReluRule,
  withWeights = false,
): ReferenceVggBackward {
  const layers = vggLayers(spec);
  const { n, activations, switches } = forward;
  if (activations.length !== layers.length || switches.length !== layers.length) {
    throw new RangeError(
      `vgg_backward: the forward pass kept ${activations.length} activations but the spec has ${layers.length} layers`,
    );
  }
  expectLength('vgg_backward', 'dLogits', dLogits, [n, spec.labels.length]);
  const dWeights = withWeights ? new Map<string, Float64Array>() : undefined;
  let g: Float64Array = Float64Array.from(dLogits);
  const layerGradients: Float64Array[] = new Array<Float64Array>(layers.length + 1);
  layerGradients[layers.length] = g;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    const x = activations[i];
    switch (layer.kind) {
      case 'conv': {
        const s = convShape(layer, n);
        if (dWeights) {
          const { dWeight, dBias } = conv2dBackwardWeight(s, x, g);
          dWeights.set(`${layer.name}.weight`, dWeight);
          dWeights.set(`${layer.name}.bias`, dBias);
        }
        g = conv2dBackwardInput(s, g, tensor(weights, layer, 'weight'));
        break;
      }
      case 'relu':
        g = reluBackward(x, g, rule);
        break;
      case 'maxpool': {
        const chosen = switches[i];
        if (!chosen) throw new RangeError(`vgg_backward: the forward pass kept no switches for max-pool layer ${i}`);
        g = maxPool2dBackward(poolShape(layer, n), g, chosen);
        break;
      }
      case 'avgpool':
        g = adaptiveAvgPool2dBackward(avgPoolShape(layer, n), g);
        break;
      case 'linear': {
        const s = linearShape(layer, n);
        if (dWeights) {
          const { dWeight, dBias } = linearBackwardWeight(s, x, g);
          dWeights.set(`${layer.name}.weight`, dWeight);
          dWeights.set(`${layer.name}.bias`, dBias);
        }
        g = linearBackwardInput(s, g, tensor(weights, layer, 'weight'));
        break;
      }
    }
    layerGradients[i] = g;
  }
  return dWeights ? { dInput: g, layerGradients, dWeights } : { dInput: g, layerGradients };
}

/**
 * ∂S_c/∂input for class `classes[i]` of image i, S_c the unnormalised score (a one-hot dLogits), with
 * every ReLU passed by `rule`: the raw material of a saliency map. input: (n, C, H, W), normalised
 * →  logits (n, classes), dInput (n, C, H, W).
 */
export function referenceClassScoreGradient(
  spec: VggSpec,
  weights: ReferenceWeights,
  input: ArrayLike<number>,
  n: number,
  classes: readonly number[],
  rule: ReluRule,
): { logits: Float64Array; dInput: Float64Array } {
  const count = spec.labels.length;
  if (classes.length !== n) throw new RangeError(`vgg_class_score_gradient: ${classes.length} classes for ${n} images`);
  const dLogits = new Float64Array(n * count);
  classes.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= count) {
      throw new RangeError(`vgg_class_score_gradient: class ${c} of image ${i} is not an integer in [0, ${count})`);
    }
    dLogits[i * count + c] = 1;
  });
  const forward = referenceVggForward(spec, weights, input, n);
  const { dInput } = referenceVggBackward(spec, weights, forward, dLogits, rule);
  return { logits: forward.logits, dInput };
}

function tensor(
  weights: ReferenceWeights,
  layer: VggConvLayer | VggLinearLayer,
  part: 'weight' | 'bias',
): ArrayLike<number> {
  const values = weights.get(`${layer.name}.${part}`);
  if (!values) throw new RangeError(`vgg: no tensor ${layer.name}.${part} among the weights`);
  return values;
}

function convShape(layer: VggConvLayer, n: number): Conv2dShape {
  return { n, c: layer.inChannels, h: layer.height, w: layer.width, k: layer.outChannels, size: 3, pad: 1 };
}

function poolShape(layer: VggMaxPoolLayer, n: number): MaxPool2dShape {
  return { n, c: layer.channels, h: layer.height, w: layer.width };
}

function avgPoolShape(layer: VggAvgPoolLayer, n: number): AdaptiveAvgPool2dShape {
  return { n, c: layer.channels, h: layer.height, w: layer.width, outH: layer.outHeight, outW: layer.outWidth };
}

function linearShape(layer: VggLinearLayer, n: number): LinearShape {
  return { n, inFeatures: layer.inFeatures, outFeatures: layer.outFeatures };
}
