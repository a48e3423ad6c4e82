import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import type { Graph, GraphNode, GraphOp, ModelInfo, Pads } from '../graph/mod.ts';
import { foldBatchNorm } from './fold_batch_norm.ts';
import { IMAGENET_LABELS } from './imagenet_labels.ts';
import { OnnxAttributes } from './onnx_attributes.ts';
import { onnxInt } from './onnx_int.ts';
import { type OnnxMetadata, parseOnnxMetadata } from './onnx_metadata.ts';
import { onnxFloats, onnxInts } from './onnx_tensor.ts';
import { readOnnx } from './read_onnx.ts';

const { DataType } = onnxProto.onnx.TensorProto;

/** The operators `onnxToGraph` reads, as its refusals list them. */
export const ONNX_OPERATORS = [
  'Conv',
  'BatchNormalization',
  'Relu',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Add',
  'Flatten',
  'Reshape',
  'Gemm',
  'MatMul',
  'Identity',
  'Dropout',
  'Constant',
] as const;

/** What a caller knows better than the file: each given part replaces the metadata's and the default. */
export interface OnnxOverrides {
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
  readonly labels?: readonly string[];
}

/** For tests and `describe`: `foldBatchNorm: false` keeps every BatchNormalization as a batchnorm node. */
export interface OnnxToGraphOptions {
  readonly foldBatchNorm?: boolean;
}

/** One image's tensor between nodes: (C, H, W) or flat (F). */
type Shape = readonly [c: number, h: number, w: number] | readonly [f: number];

const IMAGENET_NORMALIZE = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

/**
 * Reads an ONNX model (opsets 11–17) into a `Graph`: Conv (square kernels, equal strides, any pads,
 * dilation 1, group 1), BatchNormalization (inference; folded into the Conv before it where that Conv
 * feeds only it), Relu, MaxPool and AveragePool (square kernels, equal strides, pads, ceil_mode 0),
 * GlobalAveragePool, Add of two tensors of one shape, Flatten (axis 1), Reshape to (n, −1), Gemm,
 * MatMul (+ Add of a bias), Identity and Dropout (dropped), Constant. Weights are initializers or
 * Constants in FP32 or FP16. The input is one image tensor (n, C, H, W) whose batch may be symbolic; the
 * output is one flat tensor (n, classes), the logits.
 *
 * `info` comes from the `deepinside` metadata entry (see `parseOnnxMetadata`), else from the graph's input
 * shape, ImageNet's normalisation (3 channels; none otherwise) and ImageNet's labels for 1,000 classes
 * (`class k` otherwise); each default used is one line in `notes`. `overrides` win over both.
 *
 * Everything is checked before the graph is returned; anything else (an operator, an attribute value, a
 * dynamic dimension other than the batch, external data, a truncated file) is refused in one line that
 * names the node, the operator and what is supported.
 *
 * @throws RangeError, e.g. `onnx: node "conv2" (Conv): group 2 is not supported; deepinside runs group 1 (no grouped or depthwise convolutions)`.
 * @example
 * const { graph, notes } = onnxToGraph(new Uint8Array(readFileSync('resnet18.onnx')));
 * for (const note of notes) console.error(note);
 */
export function onnxToGraph(
  bytes: Uint8Array,
  overrides: OnnxOverrides = {},
  options: OnnxToGraphOptions = {},
): { graph: Graph; notes: string[] } {
  const model = readOnnx(bytes);
  const notes: string[] = [];
  const metadata = readMetadata(model);
  const reader = new GraphReader(model.graph as Onnx.IGraphProto, metadata);
  const built = reader.read();
  const info = modelInfo(built.input, built.classes, metadata, overrides, notes);
  const graph: Graph = { info, input: built.inputName, output: built.outputName, nodes: built.nodes, weights: built.weights };
  return { graph: options.foldBatchNorm === false ? graph : foldBatchNorm(graph), notes };
}

function readMetadata(model: Onnx.ModelProto): OnnxMetadata | undefined {
  const entries = (model.metadataProps ?? []).filter((p) => p.key === 'deepinside');
  if (entries.length > 1) throw new RangeError('onnx: metadata "deepinside" is given twice');
  return entries.length ? parseOnnxMetadata(entries[0].value ?? '') : undefined;
}

function modelInfo(
  input: { channels: number; height: number | null; width: number | null },
  classes: number,
  metadata: OnnxMetadata | undefined,
  overrides: OnnxOverrides,
  notes: string[],
): ModelInfo {
  const { channels } = input;
  const fromMeta = metadata?.input;
  if (fromMeta) {
    for (const key of ['channels', 'height', 'width'] as const) {
      const graphValue = input[key];
      if (graphValue !== null && graphValue !== fromMeta[key]) {
        throw new RangeError(
          `onnx: metadata "deepinside" says input.${key} is ${fromMeta[key]} but the graph's input has ${graphValue}`,
        );
      }
    }
  } else {
    if (input.height === null || input.width === null) {
      throw new RangeError(
        'onnx: the graph\'s input has a symbolic height or width and no "deepinside" metadata gives them; ' +
          'export with a fixed input size or add the metadata (docs/onnx.md)',
      );
    }
    notes.push(`onnx: no input size in the metadata; ${channels}×${input.height}×${input.width} from the graph's input`);
  }
  const size = fromMeta ?? { channels, height: input.height as number, width: input.width as number };

  let mean = overrides.mean ?? metadata?.normalize?.mean;
  let std = overrides.std ?? metadata?.normalize?.std;
  if (!mean || !std) {
    const [defaultMean, defaultStd, what] = channels === 3
      ? [IMAGENET_NORMALIZE.mean, IMAGENET_NORMALIZE.std, "ImageNet's (mean 0.485, 0.456, 0.406; std 0.229, 0.224, 0.225)"]
      : [new Array<number>(channels).fill(0), new Array<number>(channels).fill(1), 'none (mean 0, std 1)'];
    const missing = !mean && !std ? 'normalisation' : !mean ? 'mean' : 'std';
    notes.push(`onnx: no ${missing} in the metadata; using ${what} (--mean, --std override)`);
    mean ??= defaultMean;
    std ??= defaultStd;
  }
  for (const [name, values] of [['mean', mean], ['std', std]] as const) {
    if (values.length !== channels) {
      throw new RangeError(`onnx: the ${name} has ${values.length} values but the model's input has ${channels} channels`);
    }
    values.forEach((v, i) => {
      if (!Number.isFinite(v) || (name === 'std' && v <= 0)) {
        throw new RangeError(`onnx: ${name}[${i}] is ${v}; it must be a finite number${name === 'std' ? ' > 0' : ''}`);
      }
    });
  }

  let labels = overrides.labels ?? metadata?.labels;
  if (!labels) {
    if (classes === IMAGENET_LABELS.length) {
      labels = IMAGENET_LABELS;
      notes.push(`onnx: no labels in the metadata; ${classes} outputs, so ImageNet's labels (--labels FILE overrides)`);
    } else {
      labels = Array.from({ length: classes }, (_, k) => `class ${k}`);
      notes.push(`onnx: no labels in the metadata; "class 0" to "class ${classes - 1}" (--labels FILE overrides)`);
    }
  }
  if (labels.length !== classes) {
    throw new RangeError(`onnx: ${labels.length} labels given but the model has ${classes} outputs`);
  }
  return { input: size, normalize: { mean: [...mean], std: [...std] }, labels: [...labels] };
}

/** Walks an ONNX graph's nodes in order, checking each and building the deepinside nodes. */
class GraphReader {
  readonly #graph: Onnx.IGraphProto;
  /** Initializers and Constant outputs by name, read only when a node uses them. */
  readonly #constants = new Map<string, Onnx.ITensorProto>();
  /** One image's shape of every tensor computed so far, by deepinside name. */
  readonly #shapes = new Map<string, Shape>();
  /** An Identity's output → the constant it passes on (read as that constant, its weight shared). */
  readonly #constantAliases = new Map<string, string>();
  /** A dropped node's output → the tensor it passes on. */
  readonly #aliases = new Map<string, string>();
  /** How many nodes (and graph outputs) read each ONNX tensor. */
  readonly #readers = new Map<string, number>();
  readonly #nodes: GraphNode[] = [];
  /** The index in #nodes of the node writing each tensor. */
  readonly #producer = new Map<string, number>();
  /** Indices of linear nodes made from a MatMul, still without a bias (an Add after may give one). */
  readonly #matmuls = new Set<number>();
  readonly #weights = new Map<string, Float32Array>();
  /** Initializer name → its deepinside weight, read once however many nodes share it. */
  readonly #read = new Map<string, Float32Array>();
  readonly #names = new Set<string>();
  readonly #metadata: OnnxMetadata | undefined;

  constructor(graph: Onnx.IGraphProto, metadata: OnnxMetadata | undefined) {
    this.#graph = graph;
    this.#metadata = metadata;
  }

  read(): {
    input: { channels: number; height: number | null; width: number | null };
    inputName: string;
    outputName: string;
    classes: number;
    nodes: GraphNode[];
    weights: Map<string, Float32Array>;
  } {
    const graph = this.#graph;
    for (const tensor of graph.initializer ?? []) {
      const name = tensor.name ?? '';
      if (this.#constants.has(name)) throw new RangeError(`onnx: initializer "${name}" is given twice`);
      this.#constants.set(name, tensor);
    }
    if ((graph.sparseInitializer ?? []).length > 0) {
      throw new RangeError('onnx: the graph has sparse initializers, which deepinside does not read');
    }
    for (const node of graph.node ?? []) for (const name of node.input ?? []) this.#count(name);
    for (const value of graph.output ?? []) this.#count(value.name ?? '');

    const input = this.#input();
    for (const [index, node] of (graph.node ?? []).entries()) this.#node(node, index);

    const outputs = graph.output ?? [];
    if (outputs.length !== 1) {
      throw new RangeError(`onnx: the graph has ${outputs.length} outputs; deepinside needs one, the logits (n, classes)`);
    }
    const outputName = this.#resolve(outputs[0].name ?? '');
    const shape = this.#shapes.get(outputName);
    if (!shape) throw new RangeError(`onnx: the graph's output "${outputs[0].name}" is written by no node`);
    if (shape.length !== 1) {
      throw new RangeError(
        `onnx: the graph's output "${outputs[0].name}" is (n, ${shape.join(', ')}); deepinside needs flat logits ` +
          '(n, classes): end the network with Flatten and a Gemm',
      );
    }
    if (outputName === input.name) throw new RangeError('onnx: the graph\'s output is its input; there is nothing to run');
    const nodes = this.#live(outputName);
    return {
      input: input.size,
      inputName: input.name,
      outputName,
      classes: shape[0],
      nodes,
      weights: this.#weights,
    };
  }

  #count(name: string): void {
    if (name) this.#readers.set(name, (this.#readers.get(name) ?? 0) + 1);
  }

  /** The one graph input that is not an initializer: (n, C, H, W) float32, n free, H and W fixed or given by metadata. */
  #input(): { name: string; size: { channels: number; height: number | null; width: number | null } } {
    const inputs = (this.#graph.input ?? []).filter((v) => !this.#constants.has(v.name ?? ''));
    if (inputs.length !== 1) {
      const names = inputs.map((v) => `"${v.name}"`).join(', ');
      throw new RangeError(`onnx: the graph has ${inputs.length} inputs (${names}); deepinside needs one image input (n, C, H, W)`);
    }
    const value = inputs[0];
    const name = value.name ?? '';
    const tensor = value.type?.tensorType;
    if (!tensor) throw new RangeError(`onnx: the graph's input "${name}" is not a tensor`);
    if (tensor.elemType !== DataType.FLOAT) {
      const type = DataType[tensor.elemType ?? 0] ?? tensor.elemType;
      throw new RangeError(`onnx: the graph's input "${name}" is ${type}; deepinside feeds float32 images`);
    }
    const dims = tensor.shape?.dim ?? [];
    if (!tensor.shape || dims.length !== 4) {
      throw new RangeError(`onnx: the graph's input "${name}" has ${tensor.shape ? dims.length : 'no'} dimensions; deepinside needs (n, C, H, W)`);
    }
    const fixed = dims.map((d, i) => {
      // A decoded message's unset oneof member still reads as its default (0) from the prototype.
      if (!Object.hasOwn(d, 'dimValue') || d.dimValue === null || d.dimValue === undefined) return null;
      const v = onnxInt(d.dimValue, `the graph's input dimension ${i}`);
      if (v < 1) throw new RangeError(`onnx: the graph's input "${name}" has dimension ${i} of ${v}`);
      return v;
    });
    const [, channels, height, width] = fixed;
    const meta = this.#metadata?.input;
    if (channels === null) {
      throw new RangeError(`onnx: the graph's input "${name}" has a symbolic channel count; only the batch dimension may be symbolic`);
    }
    for (const [axis, v] of [['height', height], ['width', width]] as const) {
      if (v === null && !meta) {
        throw new RangeError(
          `onnx: the graph's input "${name}" has a symbolic ${axis} and no "deepinside" metadata gives it; ` +
            'export with a fixed input size or add the metadata (docs/onnx.md)',
        );
      }
    }
    const h = height ?? (meta as NonNullable<typeof meta>).height;
    const w = width ?? (meta as NonNullable<typeof meta>).width;
    if (meta && meta.channels !== channels) {
      throw new RangeError(`onnx: metadata "deepinside" says input.channels is ${meta.channels} but the graph's input has ${channels}`);
    }
    this.#shapes.set(name, [channels, h, w]);
    this.#names.add(name);
    return { name, size: { channels, height, width } };
  }

  #node(node: Onnx.INodeProto, index: number): void {
    const op = node.opType ?? '';
    const name = this.#nodeName(node, index);
    const where = `onnx: node "${name}" (${op})`;
    if (node.domain && node.domain !== 'ai.onnx') {
      throw new RangeError(`${where}: domain "${node.domain}" is not supported; deepinside runs operators of the default ONNX domain`);
    }
    // An Identity of a constant (how the exporter shares equal initializers) names that constant.
    const inputs = (node.input ?? []).map((t) => this.#constantAliases.get(t) ?? t);
    const outputs = node.output ?? [];
    const read = (i: number): string => {
      const tensor = inputs[i];
      if (!tensor) throw new RangeError(`${where}: input ${i} is missing`);
      return tensor;
    };
    const image = (i: number): { tensor: string; shape: readonly [number, number, number] } => {
      const { tensor, shape } = this.#value(read(i), where);
      if (shape.length !== 3) throw new RangeError(`${where}: input "${inputs[i]}" is flat (n, ${shape[0]}); ${op} needs an image (n, C, H, W)`);
      return { tensor, shape };
    };
    const emit = (graphOp: GraphOp, from: string[], shape: Shape): number => {
      const output = this.#oneOutput(outputs, where);
      const at = this.#nodes.length;
      this.#nodes.push({ name, op: graphOp, inputs: from, output });
      this.#producer.set(output, at);
      this.#shapes.set(output, shape);
      return at;
    };
    const inputCount = (low: number, high: number): void => {
      const given = inputs.filter((t, i) => t !== '' || i < low).length;
      if (inputs.length > high || given < low) {
        throw new RangeError(`${where}: has ${inputs.length} inputs; ${op} takes ${low === high ? low : `${low} to ${high}`}`);
      }
    };

    switch (op) {
      case 'Conv': {
        inputCount(2, 3);
        const a = new OnnxAttributes(node, where, ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad']);
        const x = image(0);
        const weight = this.#weight(read(1), where);
        if (weight.dims.length !== 4) throw new RangeError(`${where}: the weight has ${weight.dims.length} dimensions; a 2-D Conv's has 4 (K, C, kH, kW)`);
        const [k, c, kh, kw] = weight.dims;
        if (weight.dims.some((d) => d < 1)) throw new RangeError(`${where}: the weight is (${weight.dims.join(', ')}); every dimension must be positive`);
        const group = a.int('group', 1);
        if (group !== 1) throw new RangeError(`${where}: group ${group} is not supported; deepinside runs group 1 (no grouped or depthwise convolutions)`);
        const dilations = a.ints('dilations');
        if (dilations && dilations.some((d) => d !== 1)) {
          throw new RangeError(`${where}: dilations (${dilations.join(', ')}) are not supported; deepinside runs dilation 1`);
        }
        const kernel = a.ints('kernel_shape');
        if (kernel && (kernel.length !== 2 || kernel[0] !== kh || kernel[1] !== kw)) {
          throw new RangeError(`${where}: kernel_shape (${kernel.join(', ')}) disagrees with the weight's (${kh}, ${kw})`);
        }
        if (kh !== kw) throw new RangeError(`${where}: a ${kh}×${kw} kernel is not supported; deepinside runs square kernels`);
        if (c !== x.shape[0]) throw new RangeError(`${where}: the input has ${x.shape[0]} channels but the weight expects ${c}`);
        const stride = this.#stride(a, where);
        const pads = this.#pads(a, where, kh, false);
        let bias: string | undefined;
        if (inputs[2]) {
          bias = this.#weight(inputs[2], where, [k]).name;
        }
        const [oh, ow] = windowOutput(x.shape, kh, stride, pads, where);
        emit({ kind: 'conv', weight: weight.name, ...(bias ? { bias } : {}), size: kh, stride, pads }, [x.tensor], [k, oh, ow]);
        return;
      }
      case 'BatchNormalization': {
        inputCount(5, 5);
        const a = new OnnxAttributes(node, where, ['epsilon', 'momentum', 'training_mode', 'spatial']);
        if (a.int('training_mode', 0) !== 0) {
          throw new RangeError(`${where}: training_mode 1 is not supported; deepinside runs batch norm in inference form (export in eval mode)`);
        }
        if (a.int('spatial', 1) !== 1) throw new RangeError(`${where}: spatial 0 is not supported`);
        if (outputs.filter((t) => t).length > 1) {
          throw new RangeError(`${where}: has ${outputs.length} outputs (a training-mode batch norm); deepinside runs inference batch norm (export in eval mode)`);
        }
        const x = image(0);
        const c = x.shape[0];
        const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => this.#floats(read(i), where, [c]));
        const epsilon = a.float('epsilon', 1e-5);
        const scale = new Float32Array(c);
        const shift = new Float32Array(c);
        for (let j = 0; j < c; j++) {
          const s = gamma[j] / Math.sqrt(variance[j] + epsilon);
          if (!Number.isFinite(s)) throw new RangeError(`${where}: channel ${j} has variance ${variance[j]} with epsilon ${epsilon}; its scale is not finite`);
          scale[j] = s;
          shift[j] = beta[j] - mean[j] * s;
        }
        const scaleName = this.#newWeight(`${name}.scale`, scale);
        const shiftName = this.#newWeight(`${name}.shift`, shift);
        emit({ kind: 'batchnorm', scale: scaleName, shift: shiftName }, [x.tensor], x.shape);
        return;
      }
      case 'Relu': {
        inputCount(1, 1);
        new OnnxAttributes(node, where, []);
        const x = this.#value(read(0), where);
        emit({ kind: 'relu' }, [x.tensor], x.shape);
        return;
      }
      case 'MaxPool':
      case 'AveragePool': {
        inputCount(1, 1);
        const known = ['kernel_shape', 'strides', 'pads', 'ceil_mode', 'auto_pad'];
        const a = new OnnxAttributes(node, where, op === 'MaxPool' ? [...known, 'dilations', 'storage_order'] : [...known, 'count_include_pad']);
        if (op === 'MaxPool' && outputs.length > 1 && outputs[1]) {
          throw new RangeError(`${where}: the Indices output is not supported; deepinside keeps its own switches`);
        }
        const x = image(0);
        const kernel = a.ints('kernel_shape');
        if (!kernel || kernel.length !== 2) throw new RangeError(`${where}: kernel_shape must be given with 2 values`);
        if (kernel[0] !== kernel[1]) throw new RangeError(`${where}: a ${kernel[0]}×${kernel[1]} window is not supported; deepinside runs square windows`);
        const size = kernel[0];
        if (size < 1) throw new RangeError(`${where}: kernel_shape (${kernel.join(', ')}) must be positive`);
        if (a.int('ceil_mode', 0) !== 0) throw new RangeError(`${where}: ceil_mode 1 is not supported; deepinside runs ceil_mode 0 (floor)`);
        const dilations = a.ints('dilations');
        if (dilations && dilations.some((d) => d !== 1)) {
          throw new RangeError(`${where}: dilations (${dilations.join(', ')}) are not supported; deepinside runs dilation 1`);
        }
        if (a.int('storage_order', 0) !== 0) throw new RangeError(`${where}: storage_order 1 is not supported; deepinside runs storage_order 0`);
        const stride = this.#stride(a, where);
        const pads = this.#pads(a, where, size, true);
        const [oh, ow] = windowOutput(x.shape, size, stride, pads, where);
        const graphOp: GraphOp = op === 'MaxPool'
          ? { kind: 'maxpool', size, stride, pads }
          : { kind: 'avgpool', size, stride, pads, countIncludePad: this.#flag(a, 'count_include_pad', where) };
        emit(graphOp, [x.tensor], [x.shape[0], oh, ow]);
        return;
      }
      case 'GlobalAveragePool': {
        inputCount(1, 1);
        new OnnxAttributes(node, where, []);
        const x = image(0);
        emit({ kind: 'globalavgpool' }, [x.tensor], [x.shape[0], 1, 1]);
        return;
      }
      case 'Add': {
        inputCount(2, 2);
        new OnnxAttributes(node, where, []);
        const constant = [0, 1].filter((i) => this.#constants.has(read(i)));
        if (constant.length === 0) {
          const p = this.#value(read(0), where);
          const q = this.#value(read(1), where);
          if (p.shape.join() !== q.shape.join()) {
            throw new RangeError(
              `${where}: adds (n, ${p.shape.join(', ')}) to (n, ${q.shape.join(', ')}); deepinside adds tensors of one shape (no broadcasting)`,
            );
          }
          emit({ kind: 'add' }, [p.tensor, q.tensor], p.shape);
          return;
        }
        // A constant operand is a bias, accepted after a MatMul whose result feeds only this Add.
        const other = read(1 - constant[0]);
        const from = this.#producer.get(this.#resolve(other));
        if (constant.length === 1 && from !== undefined && this.#matmuls.has(from) && this.#readers.get(other) === 1) {
          const linear = this.#nodes[from];
          const out = (this.#shapes.get(linear.output) as Shape)[0];
          const bias = this.#weight(read(constant[0]), where, [out], [[1, out]]);
          const output = this.#oneOutput(outputs, where);
          this.#nodes[from] = { name: linear.name, op: { ...linear.op, bias: bias.name } as GraphOp, inputs: linear.inputs, output };
          this.#matmuls.delete(from);
          this.#producer.set(output, from);
          this.#shapes.set(output, [out]);
          return;
        }
        throw new RangeError(
          `${where}: adding a constant is supported only as the bias right after a MatMul; deepinside's Add sums two computed tensors of one shape`,
        );
      }
      case 'Flatten':
      case 'Reshape': {
        let x: { tensor: string; shape: Shape };
        if (op === 'Flatten') {
          inputCount(1, 1);
          const a = new OnnxAttributes(node, where, ['axis']);
          x = this.#value(read(0), where);
          const rank = x.shape.length + 1;
          const axis = a.int('axis', 1);
          if ((axis < 0 ? axis + rank : axis) !== 1) {
            throw new RangeError(`${where}: axis ${axis} is not supported; deepinside flattens at axis 1, to (n, C·H·W)`);
          }
        } else {
          inputCount(2, 2);
          const a = new OnnxAttributes(node, where, ['allowzero']);
          if (a.int('allowzero', 0) !== 0) throw new RangeError(`${where}: allowzero 1 is not supported`);
          x = this.#value(read(0), where);
          const features = x.shape.reduce((p, q) => p * q, 1);
          const target = this.#constants.get(read(1));
          if (!target) throw new RangeError(`${where}: the shape is computed in the graph; deepinside needs it constant, (n, -1) (use torch.flatten(x, 1))`);
          const shape = onnxInts(target, `node "${name}" (${op}) shape "${inputs[1]}"`).values;
          const [batch, rest] = shape;
          const ok = shape.length === 2 && (batch === 0 || batch === 1 || (batch === -1 && rest === features)) && (rest === -1 || rest === features);
          if (!ok) {
            throw new RangeError(
              `${where}: reshape to (${shape.join(', ')}) is not supported; deepinside reshapes only to (n, -1) = (n, ${features}), given as [0, -1], [1, -1] or [-1, ${features}]`,
            );
          }
        }
        if (x.shape.length === 1) {
          this.#alias(outputs, x.tensor, where);
          return;
        }
        emit({ kind: 'flatten' }, [x.tensor], [x.shape.reduce((p, q) => p * q, 1)]);
        return;
      }
      case 'Gemm': {
        inputCount(2, 3);
        const a = new OnnxAttributes(node, where, ['alpha', 'beta', 'transA', 'transB']);
        if (a.int('transA', 0) !== 0) throw new RangeError(`${where}: transA 1 is not supported; deepinside runs transA 0`);
        const transB = a.int('transB', 0);
        if (transB !== 0 && transB !== 1) throw new RangeError(`${where}: transB ${transB} is not 0 or 1`);
        const alpha = a.float('alpha', 1);
        const beta = a.float('beta', 1);
        const x = this.#flat(read(0), where, op);
        const b = this.#floatsWithDims(read(1), where);
        if (b.dims.length !== 2) throw new RangeError(`${where}: B has ${b.dims.length} dimensions; it must be a matrix`);
        const [out, inFeatures] = transB ? b.dims : [b.dims[1], b.dims[0]];
        if (inFeatures !== x.shape[0]) throw new RangeError(`${where}: the input has ${x.shape[0]} features but B expects ${inFeatures}`);
        const plain = transB === 1 && alpha === 1;
        const weightName = plain ? this.#weight(read(1), where).name : this.#newWeight(`${name}.weight`, linearWeight(b.values, out, inFeatures, transB === 1, alpha));
        let bias: string | undefined;
        if (inputs[2]) {
          bias = beta === 1
            ? this.#weight(inputs[2], where, [out], [[1, out]]).name
            : this.#newWeight(`${name}.bias`, this.#floats(inputs[2], where, [out], [[1, out]]).map((v) => v * beta));
        }
        emit({ kind: 'linear', weight: weightName, ...(bias ? { bias } : {}) }, [x.tensor], [out]);
        return;
      }
      case 'MatMul': {
        inputCount(2, 2);
        new OnnxAttributes(node, where, []);
        const x = this.#flat(read(0), where, op);
        const b = this.#floatsWithDims(read(1), where);
        if (b.dims.length !== 2) throw new RangeError(`${where}: the second input has ${b.dims.length} dimensions; deepinside multiplies by a constant matrix (in, out)`);
        const [inFeatures, out] = b.dims;
        if (inFeatures !== x.shape[0]) throw new RangeError(`${where}: the input has ${x.shape[0]} features but the matrix expects ${inFeatures}`);
        const weight = this.#newWeight(`${name}.weight`, linearWeight(b.values, out, inFeatures, false, 1));
        this.#matmuls.add(emit({ kind: 'linear', weight }, [x.tensor], [out]));
        return;
      }
      case 'Identity': {
        inputCount(1, 1);
        new OnnxAttributes(node, where, []);
        if (this.#constants.has(read(0))) {
          const output = outputs[0];
          if (outputs.length !== 1 || !output) throw new RangeError(`${where}: must have one output`);
          if (this.#constants.has(output) || this.#names.has(output) || this.#constantAliases.has(output)) {
            throw new RangeError(`${where}: its output "${output}" is written twice; the graph is not in SSA form`);
          }
          this.#constantAliases.set(output, read(0));
          return;
        }
        this.#alias(outputs, this.#value(read(0), where).tensor, where);
        return;
      }
      case 'Dropout': {
        inputCount(1, 3);
        new OnnxAttributes(node, where, ['seed', 'ratio']);
        if (inputs[2] && !isFalse(this.#constants.get(inputs[2]))) {
          throw new RangeError(`${where}: training_mode must be a constant false; deepinside runs inference`);
        }
        if (outputs.length > 1 && outputs[1] && this.#readers.get(outputs[1])) {
          throw new RangeError(`${where}: its mask output is read; deepinside drops Dropout at inference`);
        }
        this.#alias([outputs[0] ?? ''], this.#value(read(0), where).tensor, where);
        return;
      }
      case 'Constant': {
        inputCount(0, 0);
        const a = new OnnxAttributes(node, where, ['value', 'value_ints', 'value_int', 'value_floats', 'value_float']);
        const output = outputs[0];
        if (outputs.length !== 1 || !output) throw new RangeError(`${where}: must have one output`);
        let tensor = a.tensor('value');
        const ints = a.ints('value_ints') ?? (a.has('value_int') ? [a.int('value_int', 0)] : undefined);
        const floats = a.floats('value_floats') ?? (a.has('value_float') ? [a.float('value_float', 0)] : undefined);
        if (ints) tensor = { dims: a.has('value_int') ? [] : [ints.length], dataType: DataType.INT64, int64Data: ints };
        if (floats) tensor = { dims: a.has('value_float') ? [] : [floats.length], dataType: DataType.FLOAT, floatData: floats };
        if (!tensor || (node.attribute ?? []).length !== 1) {
          throw new RangeError(`${where}: needs exactly one of value, value_ints, value_int, value_floats, value_float`);
        }
        if (this.#constants.has(output) || this.#names.has(output)) throw new RangeError(`${where}: its output "${output}" is written twice`);
        this.#constants.set(output, { ...tensor, name: output });
        return;
      }
      default:
        throw new RangeError(
          `${where}: operator ${op || '(none)'} is not supported; deepinside runs ${ONNX_OPERATORS.join(', ')}`,
        );
    }
  }

  /** The node's ONNX name, or `<OpType>_<index>`, made unique. */
  #nodeName(node: Onnx.INodeProto, index: number): string {
    const base = node.name || `${node.opType || 'node'}_${index}`;
    let name = base;
    for (let i = 2; this.#usedNodeNames.has(name); i++) name = `${base}_${i}`;
    this.#usedNodeNames.add(name);
    return name;
  }

  readonly #usedNodeNames = new Set<string>();

  #oneOutput(outputs: readonly string[], where: string): string {
    const extra = outputs.slice(1).filter((t) => t);
    if (outputs.length < 1 || !outputs[0] || extra.length > 0) throw new RangeError(`${where}: must have exactly one output`);
    const output = outputs[0];
    if (this.#names.has(output) || this.#constants.has(output) || this.#aliases.has(output) || this.#constantAliases.has(output)) {
      throw new RangeError(`${where}: its output "${output}" is written twice; the graph is not in SSA form`);
    }
    this.#names.add(output);
    return output;
  }

  #alias(outputs: readonly string[], to: string, where: string): void {
    const output = outputs[0];
    if (!output) throw new RangeError(`${where}: must have an output`);
    if (this.#names.has(output) || this.#constants.has(output) || this.#aliases.has(output) || this.#constantAliases.has(output)) {
      throw new RangeError(`${where}: its output "${output}" is written twice; the graph is not in SSA form`);
    }
    this.#aliases.set(output, to);
  }

  #resolve(name: string): string {
    return this.#aliases.get(name) ?? name;
  }

  /** A computed tensor (not a constant): its deepinside name and one image's shape. */
  #value(name: string, where: string): { tensor: string; shape: Shape } {
    const tensor = this.#resolve(name);
    const shape = this.#shapes.get(tensor);
    if (shape) return { tensor, shape };
    if (this.#constants.has(name)) {
      throw new RangeError(`${where}: input "${name}" is a constant; deepinside runs this operator on computed tensors only`);
    }
    throw new RangeError(`${where}: input "${name}" is written by no earlier node; the graph is not in topological order or is corrupt`);
  }

  #flat(name: string, where: string, op: string): { tensor: string; shape: readonly [number] } {
    const x = this.#value(name, where);
    if (x.shape.length !== 1) {
      throw new RangeError(`${where}: the input is (n, ${x.shape.join(', ')}); ${op} needs a flat (n, F) input (Flatten first)`);
    }
    return { tensor: x.tensor, shape: x.shape };
  }

  #stride(a: OnnxAttributes, where: string): number {
    const strides = a.ints('strides') ?? [1, 1];
    if (strides.length !== 2 || strides[0] !== strides[1] || strides[0] < 1) {
      throw new RangeError(`${where}: strides (${strides.join(', ')}) are not supported; deepinside runs one positive stride for both axes`);
    }
    return strides[0];
  }

  #pads(a: OnnxAttributes, where: string, size: number, pool: boolean): Pads {
    const autoPad = a.string('auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID') {
      throw new RangeError(`${where}: auto_pad ${autoPad} is not supported; deepinside runs NOTSET with explicit pads (or VALID)`);
    }
    const pads = a.ints('pads') ?? [0, 0, 0, 0];
    if (autoPad === 'VALID' && pads.some((p) => p !== 0)) throw new RangeError(`${where}: auto_pad VALID with non-zero pads`);
    if (pads.length !== 4 || pads.some((p) => p < 0)) {
      throw new RangeError(`${where}: pads (${pads.join(', ')}) are not supported; deepinside needs 4 non-negative pads`);
    }
    if (pool && pads.some((p) => p >= size)) {
      throw new RangeError(`${where}: pads (${pads.join(', ')}) reach a whole ${size}-wide window into the padding; deepinside pads a pool by less than its window`);
    }
    // ONNX orders pads [x1_begin, x2_begin, x1_end, x2_end]: top, left, bottom, right.
    return [pads[0], pads[1], pads[2], pads[3]];
  }

  #flag(a: OnnxAttributes, name: string, where: string): boolean {
    const v = a.int(name, 0);
    if (v !== 0 && v !== 1) throw new RangeError(`${where}: ${name} is ${v}; it must be 0 or 1`);
    return v === 1;
  }

  /** A constant's values with its dims, any shape. */
  #floatsWithDims(name: string, where: string): { dims: readonly number[]; values: Float32Array } {
    const tensor = this.#constants.get(name);
    if (!tensor) {
      throw new RangeError(`${where}: input "${name}" is computed; deepinside needs it to be a constant (an initializer)`);
    }
    return onnxFloats(tensor, `${where.replace(/^onnx: /, '')} input "${name}"`);
  }

  /** A constant's values, which must have dims `dims` (or one of `alternatives`). */
  #floats(name: string, where: string, dims: readonly number[], alternatives: readonly (readonly number[])[] = []): Float32Array {
    const t = this.#floatsWithDims(name, where);
    const fits = [dims, ...alternatives].some((d) => d.join() === t.dims.join());
    if (!fits) throw new RangeError(`${where}: input "${name}" is (${t.dims.join(', ')}); it must be (${dims.join(', ')})`);
    return t.values;
  }

  /**
   * An initializer used as a deepinside weight as it is, read once: its name (checked against `dims`), or
   * a fresh name for the same values when an earlier node already took it.
   */
  #weight(
    name: string,
    where: string,
    dims?: readonly number[],
    alternatives: readonly (readonly number[])[] = [],
  ): { name: string; dims: readonly number[] } {
    const t = this.#floatsWithDims(name, where);
    if (dims && ![dims, ...alternatives].some((d) => d.join() === t.dims.join())) {
      throw new RangeError(`${where}: input "${name}" is (${t.dims.join(', ')}); it must be (${dims.join(', ')})`);
    }
    const values = this.#read.get(name);
    if (values) {
      // A second node reading the same initializer gets it under a name of its own (the values are
      // shared, not copied): the executor gives each node's weights their own buffers and gradients.
      return { name: this.#newWeight(name, values), dims: t.dims };
    }
    this.#read.set(name, t.values);
    // Derived weights never take a constant's name (#newWeight), so this one is free.
    this.#weights.set(name, t.values);
    return { name, dims: t.dims };
  }

  /** A weight made at load (a transposed or scaled matrix, a batch norm's scale), under a fresh name. */
  #newWeight(base: string, values: Float32Array): string {
    let name = base;
    for (let i = 2; this.#weights.has(name) || this.#constants.has(name); i++) name = `${base}_${i}`;
    this.#weights.set(name, values);
    return name;
  }

  /** The nodes the output depends on, in order; dead branches are dropped with their weights. */
  #live(output: string): GraphNode[] {
    const needed = new Set([output]);
    const keep: GraphNode[] = [];
    for (let i = this.#nodes.length - 1; i >= 0; i--) {
      const node = this.#nodes[i];
      if (!needed.has(node.output)) continue;
      keep.push(node);
      for (const input of node.inputs) needed.add(input);
    }
    keep.reverse();
    const named = new Set<string>();
    for (const { op } of keep) {
      for (const key of ['weight', 'bias', 'scale', 'shift'] as const) {
        const w = (op as Partial<Record<typeof key, string>>)[key];
        if (w !== undefined) named.add(w);
      }
    }
    for (const name of [...this.#weights.keys()]) if (!named.has(name)) this.#weights.delete(name);
    return keep;
  }
}

/** Output height and width of a k×k window at `stride` over padded (C, H, W), floor mode; refused below 1. */
function windowOutput(shape: readonly [number, number, number], size: number, stride: number, pads: Pads, where: string): [number, number] {
  const [, h, w] = shape;
  const oh = Math.floor((h + pads[0] + pads[2] - size) / stride) + 1;
  const ow = Math.floor((w + pads[1] + pads[3] - size) / stride) + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(`${where}: a ${size}×${size} window does not fit its ${h}×${w} input with pads (${pads.join(', ')})`);
  }
  return [oh, ow];
}

/** Whether a constant is a one-element BOOL false (Dropout's training_mode). */
function isFalse(tensor: Onnx.ITensorProto | undefined): boolean {
  if (!tensor || tensor.dataType !== DataType.BOOL || (tensor.dims ?? []).some((d) => Number(d) !== 1)) return false;
  const raw = tensor.rawData ?? new Uint8Array(0);
  const values = raw.length > 0 ? [...raw] : (tensor.int32Data ?? []);
  return values.length === 1 && values[0] === 0;
}

/** A linear layer's weight (out, in) from B: (out, in) when `transposed`, else (in, out); times alpha. */
function linearWeight(b: Float32Array, out: number, inFeatures: number, transposed: boolean, alpha: number): Float32Array {
  const weight = new Float32Array(out * inFeatures);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inFeatures; i++) weight[o * inFeatures + i] = alpha * (transposed ? b[o * inFeatures + i] : b[i * out + o]);
  }
  return weight;
}

