import type { ModelInfo } from './model_info.ts';

/** Zero padding of a 2-D window op, in pixels: [top, left, bottom, right] (ONNX's pads reordered). */
export type Pads = readonly [top: number, left: number, bottom: number, right: number];

/**
 * What a node computes. Weights are named, not held: `Graph.weights` has them. Spatial tensors are
 * (n, C, H, W) and flat ones (n, F), stored densely; every op maps one image to one image.
 */
export type GraphOp =
  /** weight (K, C, size, size), bias (K) or none; square kernels, one stride for both axes, dilation 1, group 1. */
  | { readonly kind: 'conv'; readonly weight: string; readonly bias?: string; readonly size: number; readonly stride: number; readonly pads: Pads }
  /** Inference batch norm not folded into a conv: y = x · scale[c] + shift[c] (scale = γ/√(var + ε), shift = β − mean · scale). */
  | { readonly kind: 'batchnorm'; readonly scale: string; readonly shift: string }
  /** Its backward pass follows the ReLU rule the backward pass is asked for (gradient, deconvnet, guided). */
  | { readonly kind: 'relu' }
  /** Padding counts as −∞; floor mode (ONNX ceil_mode 0). */
  | { readonly kind: 'maxpool'; readonly size: number; readonly stride: number; readonly pads: Pads }
  /** `countIncludePad`: whether padded zeros count in the mean (ONNX count_include_pad). */
  | { readonly kind: 'avgpool'; readonly size: number; readonly stride: number; readonly pads: Pads; readonly countIncludePad: boolean }
  /** torchvision's AdaptiveAvgPool2d to outHeight × outWidth (a VGG spec's avgpool). */
  | { readonly kind: 'adaptiveavgpool'; readonly outHeight: number; readonly outWidth: number }
  /** Mean over each channel's plane: (n, C, H, W) → (n, C, 1, 1). */
  | { readonly kind: 'globalavgpool' }
  /** Elementwise sum of two tensors of one shape (a residual connection). */
  | { readonly kind: 'add' }
  /** (n, C, H, W) → (n, C·H·W), the same values in the same order. */
  | { readonly kind: 'flatten' }
  /** y = x · weightᵀ + bias: weight (out, in) as torch.nn.Linear and Gemm with transB = 1 store it, bias (out) or none. */
  | { readonly kind: 'linear'; readonly weight: string; readonly bias?: string };

/** One node: an op, the tensors it reads (two for add, else one) and the one it writes, by name. */
export interface GraphNode {
  /** Unique; what `describe` prints and Grad-CAM's `--layer` names (torchvision's module path for a VGG). */
  readonly name: string;
  readonly op: GraphOp;
  readonly inputs: readonly string[];
  readonly output: string;
}

/**
 * A feed-forward network as data, whatever it was built from (a VGG spec, an ONNX file): nodes in
 * topological order from the tensor `input`, (n, C, H, W) as `info.input` says, to `output`, the logits
 * (n, classes). The executor knows nothing else of where it came from.
 */
export interface Graph {
  readonly info: ModelInfo;
  readonly input: string;
  readonly output: string;
  readonly nodes: readonly GraphNode[];
  /** Every weight a node names, float32, in the layout its op states. */
  readonly weights: ReadonlyMap<string, Float32Array>;
}
