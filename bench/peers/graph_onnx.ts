// A deepinside graph written back out as an ONNX model, built in memory (onnx-proto's classes), so that
// ONNX Runtime runs the very network our executor runs (ResNet-50 with its batch norms folded, as our ONNX
// import leaves it): its weights as initializers, input `X` (n, C, H, W), output `Y` (n, classes).

import type { onnx as Onnx } from 'onnx-proto';
import { type Graph, type GraphNode, graphShapes } from '../../src/graph/mod.ts';

type OnnxNamespace = typeof Onnx;

/**
 * The ONNX model of `graph` at batch `n`: Conv, Relu, MaxPool, AveragePool, GlobalAveragePool, Add,
 * Flatten and Gemm (transB 1), one node per graph node with the same tensor names. Throws for an op it
 * does not write (batch norm not folded, adaptive average pooling): the benchmark's networks have none.
 */
export function graphToOnnx(onnx: OnnxNamespace, graph: Graph, n: number): Uint8Array {
  const { INT, INTS } = onnx.AttributeProto.AttributeType;
  const ints = (name: string, values: readonly number[]) => ({ name, type: INTS, ints: [...values] });
  const int = (name: string, i: number) => ({ name, type: INT, i });
  const used = new Set<string>();
  const tensor = (name: string) => (name === graph.input ? 'X' : name === graph.output ? 'Y' : name);
  const weight = (name: string) => {
    used.add(name);
    return name;
  };
  const nodes: Onnx.INodeProto[] = graph.nodes.map((node: GraphNode) => {
    const op = node.op;
    const io = { name: node.name, input: node.inputs.map(tensor), output: [tensor(node.output)] };
    // ONNX's pads are [top, left, bottom, right]: ours (Pads) are in that order already.
    switch (op.kind) {
      case 'conv':
        return {
          ...io,
          opType: 'Conv',
          input: [...io.input, weight(op.weight), ...(op.bias ? [weight(op.bias)] : [])],
          attribute: [ints('kernel_shape', [op.size, op.size]), ints('strides', [op.stride, op.stride]), ints('pads', op.pads)],
        };
      case 'relu':
        return { ...io, opType: 'Relu' };
      case 'maxpool':
        return { ...io, opType: 'MaxPool', attribute: [ints('kernel_shape', [op.size, op.size]), ints('strides', [op.stride, op.stride]), ints('pads', op.pads)] };
      case 'avgpool':
        return {
          ...io,
          opType: 'AveragePool',
          attribute: [ints('kernel_shape', [op.size, op.size]), ints('strides', [op.stride, op.stride]), ints('pads', op.pads), int('count_include_pad', op.countIncludePad ? 1 : 0)],
        };
      case 'globalavgpool':
        return { ...io, opType: 'GlobalAveragePool' };
      case 'add':
        return { ...io, opType: 'Add' };
      case 'flatten':
        return { ...io, opType: 'Flatten', attribute: [int('axis', 1)] };
      case 'linear':
        return { ...io, opType: 'Gemm', input: [...io.input, weight(op.weight), ...(op.bias ? [weight(op.bias)] : [])], attribute: [int('transB', 1)] };
      default:
        throw new RangeError(`graphToOnnx: node "${node.name}" is a ${op.kind}, which this writer does not write`);
    }
  });
  // Each weight's dims from the shapes of the tensors its node reads and writes.
  const { shapes } = graphShapes(graph);
  const dims = new Map<string, number[]>();
  for (const node of graph.nodes) {
    const op = node.op;
    if (op.kind !== 'conv' && op.kind !== 'linear') continue;
    const [inputs] = shapes.get(node.inputs[0])!;
    const [outputs] = shapes.get(node.output)!;
    dims.set(op.weight, op.kind === 'conv' ? [outputs, inputs, op.size, op.size] : [outputs, inputs]);
    if (op.bias) dims.set(op.bias, [outputs]);
  }
  const initializer = [...used].map((name) => floats(onnx, name, dims.get(name)!, graph.weights.get(name)!));
  const { channels, height, width } = graph.info.input;
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'deepinside bench',
    graph: {
      name: 'graph',
      node: nodes,
      initializer,
      input: [value(onnx, 'X', [n, channels, height, width])],
      output: [value(onnx, 'Y', [n, graph.info.labels.length])],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

function floats(onnx: OnnxNamespace, name: string, dims: readonly number[], values: Float32Array): Onnx.ITensorProto {
  return { name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [...dims], rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function value(onnx: OnnxNamespace, name: string, dims: readonly number[]): Onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } };
}
