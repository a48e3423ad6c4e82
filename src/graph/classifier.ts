import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ModelInfo } from './model_info.ts';
import type { ReluRule } from '../shapes/mod.ts';

/** A node output with a spatial layout, (n, channels, height, width): what Grad-CAM can weigh. */
export interface SpatialOutput {
  /** The node's name: torchvision's module path for a VGG (`features.29`), the ONNX node's name for a graph. */
  readonly name: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/**
 * What attribution and evaluation ask of a network on the GPU, whatever it was built from (a VGG spec or
 * an ONNX graph): a forward pass to the logits, a backward pass from any gradient on the logits to the
 * input under a ReLU rule, and the activations and gradients of named spatial outputs. The tensors are
 * those of the last pass and stay valid until the next one with another batch size.
 */
export interface Classifier {
  readonly gpu: Gpu;
  readonly info: ModelInfo;
  /** Number of classes, `info.labels.length`. */
  readonly classes: number;
  /** Values in one input image, C·H·W. */
  readonly inputSize: number;
  /** The batch size of the last forward pass (0 before the first). */
  readonly batch: number;
  /** The input of the last forward pass, (n, C, H, W); an ascent step may update it in place. */
  readonly input: GpuTensor;
  /** The logits of the last forward pass, (n, classes). */
  readonly logits: GpuTensor;
  /** ∂/∂input of the last backward pass, (n, C, H, W). */
  readonly inputGradient: GpuTensor;
  /** Runs `input` (n, C, H, W), normalised; without one, the input tensor as it stands. */
  forward(input?: Float32Array, n?: number): Promise<void>;
  /**
   * Backward from `dLogits` (n, classes) of the last forward pass to the input under `rule` at every ReLU.
   * `input: false` stops short of the input itself; `saliencyMap` (n, H, W) also receives each image's
   * maxᶜ |∂input|, fused into the last gradient kernel where that is faster.
   */
  backward(dLogits: Float32Array | GpuTensor, rule: ReluRule, options?: { readonly input?: boolean; readonly saliencyMap?: GpuTensor }): Promise<void>;
  /** dLogits selecting S_c: 1 at (i, classes[i]); a RangeError for a class out of range. */
  oneHot(n: number, classes: readonly number[]): Float32Array;
  /** The outputs with a spatial layout, in the order the forward pass makes them. */
  spatialOutputs(): readonly SpatialOutput[];
  /** The output of the node `name` in the last forward pass. */
  activation(name: string): GpuTensor;
  /** ∂/∂(output of the node `name`) in the last backward pass, for a node named to `keep` before it. */
  activationGradient(name: string): GpuTensor;
  /**
   * Has later passes write the outputs and output gradients of the nodes `names`, which fused ReLUs may
   * skip (GraphModel's `fuse`), and keep those gradients past the pass: call it before the passes whose
   * tensors `activation` and `activationGradient` read.
   */
  keep(names: readonly string[]): void;
  /** Frees every buffer; the model cannot be used after. */
  destroy(): void;
}
