import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { float16ToFloat32, float32ToFloat16 } from '../../src/io/mod.ts';
import type { Random } from '../../src/random/mod.ts';

const { onnx } = onnxProto;
const { INT, INTS, FLOAT } = onnx.AttributeProto.AttributeType;

/** How an ONNX model's weights are stored. */
export interface OnnxWeightOptions {
  /** Store initializers as FLOAT16 (raw_data) instead of FLOAT. */
  readonly float16?: boolean;
  /**
   * Round every weight to the nearest float16 first, so that a FLOAT model holds exactly the values a
   * FLOAT16 one does (ONNX Runtime cannot feed a float16 weight to a float32 Conv).
   */
  readonly halfValues?: boolean;
  /** FLOAT initializers in float_data rather than raw_data. */
  readonly floatData?: boolean;
}

/** What `model()` writes around the nodes. */
export interface OnnxModelOptions {
  /** The input's dims, (batch, C, H, W); a string is a symbolic dim (dim_param). */
  readonly input: readonly (number | string)[];
  /** The logits' dims, e.g. ['batch', 10]. */
  readonly output: readonly (number | string)[];
  /** JSON for `metadata_props` key `deepinside` (an object is stringified). */
  readonly metadata?: unknown;
  readonly opset?: number;
}

/**
 * Builds ONNX models node by node in TypeScript, with onnx-proto's classes, as `torch.onnx.export` lays
 * them out: weights as initializers, a named input `input`, one output. Random weights come from the given
 * generator; every method returns its output tensor's name.
 */
export class OnnxBuilder {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];
  #count = 0;

  constructor(readonly random: Random, readonly weightOptions: OnnxWeightOptions = {}) {}

  /** A fresh tensor or node name with `prefix`. */
  name(prefix: string): string {
    return `${prefix}_${this.#count++}`;
  }

  /** Adds a node as it is (any operator and attributes), returning its first output. */
  node(opType: string, input: string[], attribute: Onnx.IAttributeProto[] = [], outputs = 1, name?: string): string {
    const output = Array.from({ length: outputs }, () => this.name(opType.toLowerCase()));
    this.nodes.push({ opType, input, output, attribute, name: name ?? this.name(opType) });
    return output[0];
  }

  /** A FLOAT (or FLOAT16, per the options) initializer with these values. */
  weight(prefix: string, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.name(prefix);
    this.initializers.push(floatTensor(name, dims, values, this.weightOptions));
    return name;
  }

  /** An INT64 initializer (a Reshape's shape). */
  int64(prefix: string, values: readonly number[]): string {
    const name = this.name(prefix);
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] });
    return name;
  }

  uniform(count: number, bound: number): Float32Array {
    return this.random.uniformArray(count, -bound, bound);
  }

  conv(x: string, c: number, k: number, size: number, stride: number, pads: readonly number[], bias = false): string {
    const bound = Math.sqrt(6 / (c * size * size));
    const w = this.weight('conv.weight', [k, c, size, size], this.uniform(k * c * size * size, bound));
    const inputs = bias ? [x, w, this.weight('conv.bias', [k], this.uniform(k, 0.1))] : [x, w];
    return this.node('Conv', inputs, [ints('kernel_shape', [size, size]), ints('strides', [stride, stride]), ints('pads', pads), ints('dilations', [1, 1]), int('group', 1)]);
  }

  /** Inference batch norm with random γ, β, running mean and variance. */
  batchNorm(x: string, c: number, epsilon = 1e-5): string {
    const gamma = this.weight('bn.weight', [c], Float32Array.from({ length: c }, () => this.random.uniform(0.5, 1.5)));
    const beta = this.weight('bn.bias', [c], this.uniform(c, 0.2));
    const mean = this.weight('bn.running_mean', [c], this.uniform(c, 0.3));
    const variance = this.weight('bn.running_var', [c], Float32Array.from({ length: c }, () => this.random.uniform(0.5, 2)));
    return this.node('BatchNormalization', [x, gamma, beta, mean, variance], [float('epsilon', epsilon), float('momentum', 0.9)]);
  }

  relu(x: string): string {
    return this.node('Relu', [x]);
  }

  maxPool(x: string, size: number, stride: number, pads: readonly number[]): string {
    return this.node('MaxPool', [x], [ints('kernel_shape', [size, size]), ints('strides', [stride, stride]), ints('pads', pads), int('ceil_mode', 0)]);
  }

  averagePool(x: string, size: number, stride: number, pads: readonly number[], countIncludePad: boolean): string {
    return this.node('AveragePool', [x], [ints('kernel_shape', [size, size]), ints('strides', [stride, stride]), ints('pads', pads), int('count_include_pad', countIncludePad ? 1 : 0)]);
  }

  /** Gemm as torch.nn.Linear exports it: transB 1, weight (out, in); or transB 0 with the weight stored (in, out). */
  gemm(x: string, inFeatures: number, out: number, { transB = 1, alpha = 1, beta = 1 } = {}): string {
    const bound = Math.sqrt(6 / inFeatures);
    const dims = transB ? [out, inFeatures] : [inFeatures, out];
    const w = this.weight('fc.weight', dims, this.uniform(out * inFeatures, bound));
    const b = this.weight('fc.bias', [out], this.uniform(out, 0.1));
    return this.node('Gemm', [x, w, b], [float('alpha', alpha), float('beta', beta), int('transB', transB)]);
  }

  /** MatMul by an (in, out) matrix, then Add of a bias (out): how some exporters write a Linear. */
  matmulAdd(x: string, inFeatures: number, out: number): string {
    const w = this.weight('matmul.weight', [inFeatures, out], this.uniform(out * inFeatures, Math.sqrt(6 / inFeatures)));
    const y = this.node('MatMul', [x, w]);
    return this.node('Add', [y, this.weight('matmul.bias', [out], this.uniform(out, 0.1))]);
  }

  /** torchvision's BasicBlock: conv3×3(/stride)-BN-ReLU-conv3×3-BN, + shortcut (1×1/stride conv + BN when the shape changes), ReLU. */
  basicBlock(x: string, c: number, k: number, stride: number): string {
    let y = this.relu(this.batchNorm(this.conv(x, c, k, 3, stride, [1, 1, 1, 1]), k));
    y = this.batchNorm(this.conv(y, k, k, 3, 1, [1, 1, 1, 1]), k);
    const shortcut = stride !== 1 || c !== k ? this.batchNorm(this.conv(x, c, k, 1, stride, [0, 0, 0, 0]), k) : x;
    return this.relu(this.node('Add', [y, shortcut]));
  }

  /** torchvision's Bottleneck (v1.5: the stride on the 3×3): 1×1 to `width`, 3×3, 1×1 to 4·width, + shortcut, ReLU. */
  bottleneck(x: string, c: number, width: number, stride: number): string {
    const k = 4 * width;
    let y = this.relu(this.batchNorm(this.conv(x, c, width, 1, 1, [0, 0, 0, 0]), width));
    y = this.relu(this.batchNorm(this.conv(y, width, width, 3, stride, [1, 1, 1, 1]), width));
    y = this.batchNorm(this.conv(y, width, k, 1, 1, [0, 0, 0, 0]), k);
    const shortcut = stride !== 1 || c !== k ? this.batchNorm(this.conv(x, c, k, 1, stride, [0, 0, 0, 0]), k) : x;
    return this.relu(this.node('Add', [y, shortcut]));
  }

  /** The ModelProto's bytes, with the input named `input` and `output` the graph's output. */
  model(output: string, options: OnnxModelOptions): Uint8Array {
    const proto = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: options.opset ?? 13 }],
      producerName: 'deepinside test',
      graph: {
        name: 'test',
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo('input', options.input)],
        output: [valueInfo(output, options.output)],
      },
      metadataProps: options.metadata === undefined
        ? []
        : [{ key: 'deepinside', value: typeof options.metadata === 'string' ? options.metadata : JSON.stringify(options.metadata) }],
    });
    return onnx.ModelProto.encode(proto).finish();
  }
}

/** A ResNet-shaped model's layout. */
export interface ResnetOptions extends OnnxWeightOptions {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  readonly block: 'basic' | 'bottleneck';
  /** The stem's and the stages' widths (a bottleneck stage outputs 4× its width); default [8, 8, 12]. */
  readonly widths?: readonly number[];
  /** The batch dim: a name (symbolic, as `dynamic_axes` writes) or a number; default 'batch'. */
  readonly batch?: string | number;
  readonly metadata?: unknown;
}

/**
 * A ResNet as torchvision builds one, shrunk: stem conv 7×7/2 p3 + BN + ReLU, max-pool 3×3/2 p1, one
 * block per stage (the first stage at stride 1, the others downsampling by 2 with a 1×1/2 projection +
 * BN), global average pool, Flatten, Gemm.
 */
export function resnetOnnx(random: Random, options: ResnetOptions): Uint8Array {
  const b = new OnnxBuilder(random, options);
  const [stem, ...stages] = options.widths ?? [8, 8, 12];
  let x = b.relu(b.batchNorm(b.conv('input', options.channels, stem, 7, 2, [3, 3, 3, 3]), stem));
  x = b.maxPool(x, 3, 2, [1, 1, 1, 1]);
  let c = stem;
  stages.forEach((width, i) => {
    const stride = i === 0 ? 1 : 2;
    if (options.block === 'basic') {
      x = b.basicBlock(x, c, width, stride);
      c = width;
    } else {
      x = b.bottleneck(x, c, width, stride);
      c = 4 * width;
    }
  });
  x = b.node('GlobalAveragePool', [x]);
  x = b.node('Flatten', [x], [int('axis', 1)]);
  x = b.gemm(x, c, options.classes);
  const batch = options.batch ?? 'batch';
  return b.model(x, {
    input: [batch, options.channels, options.height, options.width],
    output: [batch, options.classes],
    metadata: options.metadata,
  });
}

/** A VGG-shaped model's layout. */
export interface VggOnnxOptions extends OnnxWeightOptions {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  readonly metadata?: unknown;
}

/**
 * A VGG as torchvision exports one, shrunk: conv 3×3 p1 (with bias) + ReLU, max-pool 2×2/2, again, an
 * AveragePool (what the exporter writes for AdaptiveAvgPool2d when the sizes divide), Flatten, then
 * Gemm + ReLU + Dropout, a MatMul + Add (another exporter's Linear) + ReLU + Identity, and Gemm.
 */
export function vggOnnx(random: Random, options: VggOnnxOptions): Uint8Array {
  const b = new OnnxBuilder(random, options);
  let x = b.relu(b.conv('input', options.channels, 6, 3, 1, [1, 1, 1, 1], true));
  x = b.maxPool(x, 2, 2, [0, 0, 0, 0]);
  x = b.relu(b.conv(x, 6, 8, 3, 1, [1, 1, 1, 1], true));
  x = b.maxPool(x, 2, 2, [0, 0, 0, 0]);
  x = b.averagePool(x, 2, 1, [0, 0, 1, 1], false);
  const h = Math.floor(Math.floor(options.height / 2) / 2);
  const w = Math.floor(Math.floor(options.width / 2) / 2);
  const features = 8 * h * w;
  x = b.node('Flatten', [x], [int('axis', 1)]);
  // Opset 12 made Dropout's ratio an input; an unread mask output is what the exporter writes.
  const ratio = b.name('ratio');
  b.initializers.push(floatTensor(ratio, [], [0.5]));
  x = b.node('Dropout', [b.relu(b.gemm(x, features, 16)), ratio], [], 2);
  x = b.node('Identity', [b.relu(b.matmulAdd(x, 16, 12))]);
  x = b.gemm(x, 12, options.classes);
  return b.model(x, {
    input: ['batch', options.channels, options.height, options.width],
    output: ['batch', options.classes],
    metadata: options.metadata,
  });
}

/** A float initializer stored as the options say. */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>, options: OnnxWeightOptions = {}): Onnx.ITensorProto {
  const { DataType } = onnx.TensorProto;
  const rounded = options.halfValues || options.float16 ? Float32Array.from(values, (v) => float16ToFloat32(float32ToFloat16(v))) : Float32Array.from(values);
  if (options.float16) {
    const raw = new Uint8Array(2 * rounded.length);
    rounded.forEach((v, i) => {
      const bits = float32ToFloat16(v);
      raw[2 * i] = bits & 0xff;
      raw[2 * i + 1] = bits >> 8;
    });
    return { name, dims: [...dims], dataType: DataType.FLOAT16, rawData: raw };
  }
  if (options.floatData) return { name, dims: [...dims], dataType: DataType.FLOAT, floatData: [...rounded] };
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: new Uint8Array(rounded.buffer) };
}

/** A graph input or output: float32 with these dims (a string is a dim_param). */
export function valueInfo(name: string, dims: readonly (number | string)[]): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

export function int(name: string, i: number): Onnx.IAttributeProto {
  return { name, type: INT, i };
}

export function ints(name: string, values: readonly number[]): Onnx.IAttributeProto {
  return { name, type: INTS, ints: [...values] };
}

export function float(name: string, f: number): Onnx.IAttributeProto {
  return { name, type: FLOAT, f };
}
