import type { Graph, GraphNode } from '../graph/mod.ts';
import type { AvgPool2dShape, Conv2dShape, MaxPool2dShape, ReluRule } from '../shapes/mod.ts';
import { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from './adaptive_avg_pool2d.ts';
import { addTensors } from './add_tensors.ts';
import { avgPool2dBackward, avgPool2dForward } from './avg_pool2d.ts';
import { batchNormBackward, batchNormForward } from './batch_norm.ts';
import { conv2dBackwardInput, conv2dForward } from './conv2d.ts';
import { expectLength } from './expect_length.ts';
import { globalAvgPool2dBackward, globalAvgPool2dForward } from './global_avg_pool2d.ts';
import { linearBackwardInput, linearForward } from './linear.ts';
import { maxPool2dBackward, maxPool2dForward } from './max_pool2d.ts';
import { reluBackward, reluForward } from './relu.ts';

/** One image's share of a tensor: (C, H, W) or flat (F). */
export type ReferenceShape = readonly [c: number, h: number, w: number] | readonly [f: number];

/** Everything a forward pass computed, for its backward pass and for tests that compare node by node. */
export interface ReferenceGraphForward {
  /** The batch size. */
  readonly n: number;
  /** (n, classes): the tensor `graph.output`. */
  readonly logits: Float64Array;
  /** Every tensor by name, the input's included, batch-major: (n, C, H, W) or (n, F). */
  readonly tensors: ReadonlyMap<string, Float64Array>;
  /** One image's shape of every tensor. */
  readonly shapes: ReadonlyMap<string, ReferenceShape>;
  /** A maxpool node's switches by node name: flat indices into its input tensor. */
  readonly switches: ReadonlyMap<string, Uint32Array>;
}

/**
 * A graph in float64, node by node in the order given: input (n, C, H, W) as `graph.info.input` says,
 * already normalised → every tensor, the logits last. Each node runs its op's float64 reference (the
 * plain loops every kernel test trusts); nothing is shared with the GPU executor but the `Graph` itself.
 */
export function referenceGraphForward(graph: Graph, input: ArrayLike<number>, n: number): ReferenceGraphForward {
  const { channels, height, width } = graph.info.input;
  expectLength('graph', 'input', input, [n, channels, height, width]);
  const tensors = new Map<string, Float64Array>([[graph.input, Float64Array.from(input)]]);
  const shapes = new Map<string, ReferenceShape>([[graph.input, [channels, height, width]]]);
  const switches = new Map<string, Uint32Array>();
  for (const node of graph.nodes) {
    const xs = node.inputs.map((name) => {
      const x = tensors.get(name);
      if (!x) throw new RangeError(`graph: node "${node.name}" reads "${name}", which no earlier node writes`);
      return { x, shape: shapes.get(name) as ReferenceShape };
    });
    if (tensors.has(node.output)) throw new RangeError(`graph: node "${node.name}" writes "${node.output}" a second time`);
    const { x, shape } = xs[0];
    const op = node.op;
    let y: Float64Array;
    let out: ReferenceShape;
    switch (op.kind) {
      case 'conv': {
        const s = convShape(graph, node, shape, n);
        out = [s.k, ...windowOutputSize(node, s)];
        y = conv2dForward(s, x, tensorOf(graph, node, op.weight), op.bias === undefined ? new Float64Array(s.k) : tensorOf(graph, node, op.bias));
        break;
      }
      case 'batchnorm': {
        const [c, h, w] = spatial(node, shape);
        y = batchNormForward({ n, c, h, w }, x, tensorOf(graph, node, op.scale), tensorOf(graph, node, op.shift));
        out = shape;
        break;
      }
      case 'relu':
        y = reluForward(x);
        out = shape;
        break;
      case 'maxpool': {
        const s = poolShape(node, shape, n);
        out = [s.c, ...windowOutputSize(node, s)];
        const pooled = maxPool2dForward(s, x);
        y = pooled.y;
        switches.set(node.name, pooled.switches);
        break;
      }
      case 'avgpool': {
        const s = avgShape(node, shape, n);
        out = [s.c, ...windowOutputSize(node, s)];
        y = avgPool2dForward(s, x);
        break;
      }
      case 'adaptiveavgpool': {
        const [c, h, w] = spatial(node, shape);
        y = adaptiveAvgPool2dForward({ n, c, h, w, outH: op.outHeight, outW: op.outWidth }, x);
        out = [c, op.outHeight, op.outWidth];
        break;
      }
      case 'globalavgpool': {
        const [c, h, w] = spatial(node, shape);
        y = globalAvgPool2dForward({ n, c, h, w }, x);
        out = [c, 1, 1];
        break;
      }
      case 'add': {
        const other = xs[1];
        if (!other || other.shape.join() !== shape.join()) {
          throw new RangeError(`graph: node "${node.name}" adds (${shape.join(', ')}) to (${other?.shape.join(', ')}); they must have one shape`);
        }
        y = addTensors(x, other.x);
        out = shape;
        break;
      }
      case 'flatten':
        y = Float64Array.from(x);
        out = [size(shape)];
        break;
      case 'linear': {
        const inFeatures = flat(node, shape);
        const weight = tensorOf(graph, node, op.weight);
        const outFeatures = weight.length / inFeatures;
        const bias = op.bias === undefined ? new Float64Array(outFeatures) : tensorOf(graph, node, op.bias);
        y = linearForward({ n, inFeatures, outFeatures }, x, weight, bias);
        out = [outFeatures];
        break;
      }
    }
    tensors.set(node.output, y);
    shapes.set(node.output, out);
  }
  const logits = tensors.get(graph.output);
  if (!logits) throw new RangeError(`graph: the output "${graph.output}" is written by no node`);
  return { n, logits, tensors, shapes, switches };
}

/** The gradients of one backward pass. */
export interface ReferenceGraphBackward {
  /** (n, C, H, W), with respect to the normalised input. */
  readonly dInput: Float64Array;
  /** With respect to every tensor the logits depend on, by name. */
  readonly gradients: ReadonlyMap<string, Float64Array>;
}

/**
 * Backpropagates `dLogits` (n, classes) through a forward pass, node by node from the last, every relu
 * node passing its gradient by `rule` (`gradient`, `deconvnet`, `guided`: see `reluBackward`).
 */
export function referenceGraphBackward(
  graph: Graph,
  forward: ReferenceGraphForward,
  dLogits: ArrayLike<number>,
  rule: ReluRule,
): ReferenceGraphBackward {
  const { n, tensors, shapes } = forward;
  expectLength('graph_backward', 'dLogits', dLogits, [forward.logits.length]);
  const gradients = new Map<string, Float64Array>([[graph.output, Float64Array.from(dLogits)]]);
  // A tensor read by two nodes (a residual branch and its shortcut) gets the sum of their gradients.
  const accumulate = (name: string, g: Float64Array): void => {
    const sum = gradients.get(name);
    if (!sum) gradients.set(name, g);
    else for (let i = 0; i < g.length; i++) sum[i] += g[i];
  };
  for (let at = graph.nodes.length - 1; at >= 0; at--) {
    const node = graph.nodes[at];
    const g = gradients.get(node.output);
    if (!g) continue; // the logits do not depend on this node
    const name = node.inputs[0];
    const x = tensors.get(name) as Float64Array;
    const shape = shapes.get(name) as ReferenceShape;
    const op = node.op;
    switch (op.kind) {
      case 'conv':
        accumulate(name, conv2dBackwardInput(convShape(graph, node, shape, n), g, tensorOf(graph, node, op.weight)));
        break;
      case 'batchnorm': {
        const [c, h, w] = spatial(node, shape);
        accumulate(name, batchNormBackward({ n, c, h, w }, g, tensorOf(graph, node, op.scale)));
        break;
      }
      case 'relu':
        accumulate(name, reluBackward(x, g, rule));
        break;
      case 'maxpool':
        accumulate(name, maxPool2dBackward(poolShape(node, shape, n), g, forward.switches.get(node.name) as Uint32Array));
        break;
      case 'avgpool':
        accumulate(name, avgPool2dBackward(avgShape(node, shape, n), g));
        break;
      case 'adaptiveavgpool': {
        const [c, h, w] = spatial(node, shape);
        accumulate(name, adaptiveAvgPool2dBackward({ n, c, h, w, outH: op.outHeight, outW: op.outWidth }, g));
        break;
      }
      case 'globalavgpool': {
        const [c, h, w] = spatial(node, shape);
        accumulate(name, globalAvgPool2dBackward({ n, c, h, w }, g));
        break;
      }
      case 'add':
        // Both summands get the sum's gradient; `accumulate` copies none, so the second gets its own copy.
        accumulate(node.inputs[0], Float64Array.from(g));
        accumulate(node.inputs[1], Float64Array.from(g));
        break;
      case 'flatten':
        accumulate(name, Float64Array.from(g));
        break;
      case 'linear': {
        const inFeatures = flat(node, shape);
        const weight = tensorOf(graph, node, op.weight);
        accumulate(name, linearBackwardInput({ n, inFeatures, outFeatures: weight.length / inFeatures }, g, weight));
        break;
      }
    }
  }
  const dInput = gradients.get(graph.input) ?? new Float64Array(tensors.get(graph.input)?.length ?? 0);
  return { dInput, gradients };
}

/**
 * ∂S_c/∂input for class `classes[i]` of image i (a one-hot dLogits), every relu passed by `rule`: a
 * saliency map's raw material. input (n, C, H, W), normalised → logits (n, classes), dInput (n, C, H, W).
 */
export function referenceGraphClassScoreGradient(
  graph: Graph,
  input: ArrayLike<number>,
  n: number,
  classes: readonly number[],
  rule: ReluRule,
): { logits: Float64Array; dInput: Float64Array } {
  const forward = referenceGraphForward(graph, input, n);
  const count = forward.logits.length / n;
  if (classes.length !== n) throw new RangeError(`graph_class_score_gradient: ${classes.length} classes for ${n} images`);
  const dLogits = new Float64Array(n * count);
  classes.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= count) {
      throw new RangeError(`graph_class_score_gradient: class ${c} of image ${i} is not an integer in [0, ${count})`);
    }
    dLogits[i * count + c] = 1;
  });
  return { logits: forward.logits, dInput: referenceGraphBackward(graph, forward, dLogits, rule).dInput };
}

function tensorOf(graph: Graph, node: GraphNode, name: string): Float32Array {
  const values = graph.weights.get(name);
  if (!values) throw new RangeError(`graph: node "${node.name}" names weight "${name}", which the graph does not hold`);
  return values;
}

function spatial(node: GraphNode, shape: ReferenceShape): readonly [number, number, number] {
  if (shape.length !== 3) throw new RangeError(`graph: node "${node.name}" (${node.op.kind}) needs a (C, H, W) input, not (${shape.join(', ')})`);
  return shape;
}

function flat(node: GraphNode, shape: ReferenceShape): number {
  if (shape.length !== 1) throw new RangeError(`graph: node "${node.name}" (${node.op.kind}) needs a flat input, not (${shape.join(', ')})`);
  return shape[0];
}

function convShape(graph: Graph, node: GraphNode, shape: ReferenceShape, n: number): Conv2dShape {
  const op = node.op as Extract<GraphNode['op'], { kind: 'conv' }>;
  const [c, h, w] = spatial(node, shape);
  const k = tensorOf(graph, node, op.weight).length / (c * op.size * op.size);
  if (!Number.isInteger(k)) throw new RangeError(`graph: node "${node.name}" has a weight that is not (K, ${c}, ${op.size}, ${op.size})`);
  return { n, c, h, w, k, size: op.size, pad: 0, stride: op.stride, pads: op.pads };
}

function poolShape(node: GraphNode, shape: ReferenceShape, n: number): MaxPool2dShape & { c: number } {
  const op = node.op as Extract<GraphNode['op'], { kind: 'maxpool' }>;
  const [c, h, w] = spatial(node, shape);
  return { n, c, h, w, size: op.size, stride: op.stride, pads: op.pads };
}

function avgShape(node: GraphNode, shape: ReferenceShape, n: number): AvgPool2dShape {
  const op = node.op as Extract<GraphNode['op'], { kind: 'avgpool' }>;
  const [c, h, w] = spatial(node, shape);
  return { n, c, h, w, size: op.size, stride: op.stride, pads: op.pads, countIncludePad: op.countIncludePad };
}

/** A windowed node's output height and width (floor mode), refused below 1 with the node's name. */
function windowOutputSize(
  node: GraphNode,
  s: { h: number; w: number; size?: number; stride?: number; pads?: readonly [number, number, number, number] },
): [number, number] {
  const { size = 2, stride = 1, pads = [0, 0, 0, 0] } = s;
  const oh = Math.floor((s.h + pads[0] + pads[2] - size) / stride) + 1;
  const ow = Math.floor((s.w + pads[1] + pads[3] - size) / stride) + 1;
  if (!(oh >= 1 && ow >= 1)) {
    throw new RangeError(`graph: node "${node.name}" (${node.op.kind}): a ${size}×${size} window does not fit a ${s.h}×${s.w} input padded (${pads.join(', ')})`);
  }
  return [oh, ow];
}

function size(shape: ReferenceShape): number {
  return shape.reduce((a, b) => a * b, 1);
}
