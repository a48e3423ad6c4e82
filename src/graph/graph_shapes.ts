import type { Graph, GraphNode, Pads } from './graph.ts';

/** One image's share of a tensor: (C, H, W) for a spatial tensor, (F) for a flat one. */
export type TensorShape = readonly [channels: number, height: number, width: number] | readonly [features: number];

/** A graph with every tensor's shape resolved, and who makes and who reads each tensor. */
export interface GraphShapes {
  /** Every tensor's per-image shape, the input's first, then the nodes' outputs in order. */
  readonly shapes: ReadonlyMap<string, TensorShape>;
  /** The index of the node that writes each tensor; −1 for the graph's input. */
  readonly producer: ReadonlyMap<string, number>;
  /** The indices of the nodes that read each tensor, in order (one entry per read). */
  readonly consumers: ReadonlyMap<string, readonly number[]>;
}

/** Elements in one image of a tensor of this shape. */
export function tensorSize(shape: TensorShape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Resolves every tensor's shape from `graph.info.input`, once, checking the graph as it goes: nodes in
 * topological order with unique names and outputs, each input made before it is read, each weight present
 * with the length its op needs, channels that agree, windows that leave an output, and logits
 * (classes) = `info.labels.length` at `graph.output`.
 * @throws RangeError naming the node and what is inconsistent.
 * @example
 * const { shapes } = graphShapes(vggGraph(data));
 * shapes.get('features.29'); // [512, 14, 14] for VGG16 at 224×224
 */
export function graphShapes(graph: Graph): GraphShapes {
  const { channels, height, width } = graph.info.input;
  for (const [name, v] of Object.entries({ channels, height, width })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`graph: input ${name} ${v} must be a positive whole number`);
  }
  const shapes = new Map<string, TensorShape>([[graph.input, [channels, height, width]]]);
  const producer = new Map<string, number>([[graph.input, -1]]);
  const consumers = new Map<string, number[]>([[graph.input, []]]);
  const names = new Set<string>();
  graph.nodes.forEach((node, i) => {
    const where = `graph: node "${node.name}" (${node.op.kind})`;
    if (names.has(node.name)) throw new RangeError(`graph: two nodes are named "${node.name}"`);
    names.add(node.name);
    const arity = node.op.kind === 'add' ? 2 : 1;
    if (node.inputs.length !== arity) throw new RangeError(`${where} reads ${node.inputs.length} tensors; it takes ${arity}`);
    const inputs = node.inputs.map((t) => {
      const shape = shapes.get(t);
      if (!shape) throw new RangeError(`${where} reads "${t}", which no earlier node writes and is not the input`);
      return shape;
    });
    if (shapes.has(node.output)) throw new RangeError(`${where} writes "${node.output}", which is already written`);
    const shape = outputShape(graph, node, inputs, where);
    if (tensorSize(shape) < 1 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new RangeError(`${where} leaves no output (${shape.join('×')}) from a ${inputs[0].join('×')} input`);
    }
    node.inputs.forEach((t) => consumers.get(t)!.push(i));
    shapes.set(node.output, shape);
    producer.set(node.output, i);
    consumers.set(node.output, []);
  });
  const logits = shapes.get(graph.output);
  if (!logits) throw new RangeError(`graph: the output "${graph.output}" is written by no node`);
  const classes = graph.info.labels.length;
  if (logits.length !== 1 || logits[0] !== classes) {
    throw new RangeError(`graph: the output "${graph.output}" is ${logits.join('×')} per image but the model has ${classes} labels; it must be (${classes})`);
  }
  return { shapes, producer, consumers };
}

function outputShape(graph: Graph, node: GraphNode, inputs: readonly TensorShape[], where: string): TensorShape {
  const x = inputs[0];
  const op = node.op;
  const spatial = (): readonly [number, number, number] => {
    if (x.length !== 3) throw new RangeError(`${where} needs a (C, H, W) input, but "${node.inputs[0]}" is flat (${x[0]})`);
    return x;
  };
  const weight = (name: string, what: string): Float32Array => {
    const w = graph.weights.get(name);
    if (!w) throw new RangeError(`${where}: no weight "${name}" (its ${what}) in the graph's weights`);
    return w;
  };
  switch (op.kind) {
    case 'conv': {
      const [c, h, w] = spatial();
      checkWindow(where, op.size, op.stride, op.pads);
      const taps = c * op.size * op.size;
      const weights = weight(op.weight, 'weight');
      const k = weights.length / taps;
      if (!Number.isInteger(k) || k < 1) {
        throw new RangeError(`${where}: weight "${op.weight}" has ${weights.length} values, not K × ${c}×${op.size}×${op.size} for its ${c}-channel input`);
      }
      if (op.bias !== undefined && weight(op.bias, 'bias').length !== k) {
        throw new RangeError(`${where}: bias "${op.bias}" has ${weight(op.bias, 'bias').length} values but the weight has ${k} output channels`);
      }
      const [oh, ow] = windowOutput(h, w, op.size, op.stride, op.pads);
      return [k, oh, ow];
    }
    case 'batchnorm': {
      const [c] = spatial();
      for (const [name, what] of [[op.scale, 'scale'], [op.shift, 'shift']] as const) {
        const n = weight(name, what).length;
        if (n !== c) throw new RangeError(`${where}: ${what} "${name}" has ${n} values but the input has ${c} channels`);
      }
      return x;
    }
    case 'relu':
      return x;
    case 'maxpool':
    case 'avgpool': {
      const [c, h, w] = spatial();
      checkWindow(where, op.size, op.stride, op.pads);
      const [oh, ow] = windowOutput(h, w, op.size, op.stride, op.pads);
      return [c, oh, ow];
    }
    case 'adaptiveavgpool': {
      const [c] = spatial();
      if (!Number.isInteger(op.outHeight) || !Number.isInteger(op.outWidth) || op.outHeight < 1 || op.outWidth < 1) {
        throw new RangeError(`${where}: output ${op.outHeight}×${op.outWidth} must be positive whole numbers`);
      }
      return [c, op.outHeight, op.outWidth];
    }
    case 'globalavgpool': {
      const [c] = spatial();
      return [c, 1, 1];
    }
    case 'add': {
      const [a, b] = inputs;
      if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
        throw new RangeError(`${where} adds "${node.inputs[0]}" (${a.join('×')}) and "${node.inputs[1]}" (${b.join('×')}); they must have one shape`);
      }
      return a;
    }
    case 'flatten':
      return [tensorSize(x)];
    case 'linear': {
      if (x.length !== 1) throw new RangeError(`${where} needs a flat input, but "${node.inputs[0]}" is ${x.join('×')}; flatten it first`);
      const weights = weight(op.weight, 'weight');
      const out = weights.length / x[0];
      if (!Number.isInteger(out) || out < 1) {
        throw new RangeError(`${where}: weight "${op.weight}" has ${weights.length} values, not (out, ${x[0]}) for its ${x[0]} inputs`);
      }
      if (op.bias !== undefined && weight(op.bias, 'bias').length !== out) {
        throw new RangeError(`${where}: bias "${op.bias}" has ${weight(op.bias, 'bias').length} values but the weight has ${out} outputs`);
      }
      return [out];
    }
  }
}

function checkWindow(where: string, size: number, stride: number, pads: Pads): void {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`${where}: kernel size ${size} must be a positive whole number`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`${where}: stride ${stride} must be a positive whole number`);
  if (pads.length !== 4 || pads.some((p) => !Number.isInteger(p) || p < 0 || p >= size)) {
    throw new RangeError(`${where}: pads (${pads.join(', ')}) must be four whole numbers in [0, ${size - 1}] (less than the kernel)`);
  }
}

/** Floor mode: ⌊(h + top + bottom − size)/stride⌋ + 1, likewise for the width. */
function windowOutput(h: number, w: number, size: number, stride: number, [top, left, bottom, right]: Pads): readonly [number, number] {
  return [Math.floor((h + top + bottom - size) / stride) + 1, Math.floor((w + left + right - size) / stride) + 1];
}
