// One-node ONNX models, built in memory as ModelProto bytes (the `onnx-proto` package's protobufjs
// classes), for ONNX Runtime to load with `InferenceSession.create(bytes)`. Weights are initializers, as
// an exported model carries them, so that ONNX Runtime may prepack them when the session is created.

import type { onnx as Onnx } from 'onnx-proto';
import type { Conv2dShape, LinearShape } from '../../src/shapes/mod.ts';
import { conv2dOutputSize } from '../../src/shapes/mod.ts';

type OnnxNamespace = typeof Onnx;

/** ONNX's Conv: X (n, c, h, w) input, W (k, c, size, size) and B (k) initializers → Y (n, k, oh, ow). */
export function convModel(onnx: OnnxNamespace, s: Conv2dShape, weight: ArrayLike<number>, bias: ArrayLike<number>): Uint8Array {
  const [oh, ow] = conv2dOutputSize(s);
  const INTS = onnx.AttributeProto.AttributeType.INTS;
  return model(onnx, 'conv2d', {
    node: [
      {
        opType: 'Conv',
        input: ['X', 'W', 'B'],
        output: ['Y'],
        attribute: [
          { name: 'kernel_shape', type: INTS, ints: [s.size, s.size] },
          { name: 'pads', type: INTS, ints: [s.pad, s.pad, s.pad, s.pad] },
          { name: 'strides', type: INTS, ints: [1, 1] },
        ],
      },
    ],
    initializer: [floats(onnx, 'W', [s.k, s.c, s.size, s.size], weight), floats(onnx, 'B', [s.k], bias)],
    input: [value(onnx, 'X', [s.n, s.c, s.h, s.w])],
    output: [value(onnx, 'Y', [s.n, s.k, oh, ow])],
  });
}

/** ONNX's Gemm with transB = 1 (a PyTorch Linear as exported): X (n, in) input, W (out, in) and B (out) initializers → Y (n, out). */
export function gemmModel(onnx: OnnxNamespace, s: LinearShape, weight: ArrayLike<number>, bias: ArrayLike<number>): Uint8Array {
  return model(onnx, 'linear', {
    node: [
      {
        opType: 'Gemm',
        input: ['X', 'W', 'B'],
        output: ['Y'],
        attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
      },
    ],
    initializer: [floats(onnx, 'W', [s.outFeatures, s.inFeatures], weight), floats(onnx, 'B', [s.outFeatures], bias)],
    input: [value(onnx, 'X', [s.n, s.inFeatures])],
    output: [value(onnx, 'Y', [s.n, s.outFeatures])],
  });
}

function model(onnx: OnnxNamespace, name: string, graph: Onnx.IGraphProto): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'deepinside bench',
    graph: { ...graph, name },
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** A float32 initializer; `raw_data` is little-endian, as typed arrays are on every platform Node runs on today. */
function floats(onnx: OnnxNamespace, name: string, dims: readonly number[], values: ArrayLike<number>): Onnx.ITensorProto {
  const array = values instanceof Float32Array ? values : Float32Array.from(values);
  return {
    name,
    dataType: onnx.TensorProto.DataType.FLOAT,
    dims: [...dims],
    rawData: new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
  };
}

function value(onnx: OnnxNamespace, name: string, dims: readonly number[]): Onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
  };
}
