import type { Graph, GraphOp, Pads } from './graph.ts';
import { graphShapes, type TensorShape, tensorSize } from './graph_shapes.ts';

/** One node as `describe` prints it. */
export interface NodeDescription {
  readonly name: string;
  /** The op and its attributes, e.g. `conv 7×7 stride 2 pad 3, 3→64, no bias`. */
  readonly op: string;
  /** The output's per-image shape. */
  readonly shape: TensorShape;
  /** Values in the node's weights (its conv or linear weight and bias, or a batch norm's scale and shift). */
  readonly parameters: number;
  /** Per image: 2 × multiply-adds (conv, linear, batch norm), one per addition (add, average pools); ReLU and max-pool count none. */
  readonly flops: number;
}

/** A graph's nodes with their shapes, parameters and FLOPs, and the totals. */
export interface GraphDescription {
  readonly nodes: readonly NodeDescription[];
  readonly parameters: number;
  readonly flops: number;
}

/**
 * What each node of `graph` computes for one image at `graph.info.input`: its op and attributes, output
 * shape, parameters and FLOPs (2 × multiply-adds; additions count one, comparisons none), and the totals.
 * @throws RangeError for an inconsistent graph (see `graphShapes`).
 * @example
 * describeGraph(vggGraph({ spec: vggPreset('vgg16'), weights })).parameters; // 138357544
 */
export function describeGraph(graph: Graph): GraphDescription {
  const { shapes } = graphShapes(graph);
  const size = (name: string | undefined) => (name === undefined ? 0 : graph.weights.get(name)!.length);
  const nodes = graph.nodes.map((node): NodeDescription => {
    const x = shapes.get(node.inputs[0])!;
    const y = shapes.get(node.output)!;
    const out = tensorSize(y);
    const op = node.op;
    let parameters = 0;
    let flops = 0;
    switch (op.kind) {
      case 'conv':
        parameters = size(op.weight) + size(op.bias);
        flops = 2 * out * x[0] * op.size * op.size;
        break;
      case 'linear':
        parameters = size(op.weight) + size(op.bias);
        flops = 2 * out * x[0];
        break;
      case 'batchnorm':
        parameters = size(op.scale) + size(op.shift);
        flops = 2 * out;
        break;
      case 'add':
        flops = out;
        break;
      case 'avgpool':
        flops = out * op.size * op.size;
        break;
      case 'adaptiveavgpool':
      case 'globalavgpool':
        // Every input value is added once into its window's sum.
        flops = tensorSize(x);
        break;
    }
    return { name: node.name, op: describeOp(op, x, y), shape: y, parameters, flops };
  });
  return {
    nodes,
    parameters: nodes.reduce((sum, n) => sum + n.parameters, 0),
    flops: nodes.reduce((sum, n) => sum + n.flops, 0),
  };
}

function describeOp(op: GraphOp, x: TensorShape, y: TensorShape): string {
  switch (op.kind) {
    case 'conv':
      return `conv ${op.size}×${op.size} stride ${op.stride} ${pads(op.pads)}, ${x[0]}→${y[0]}${op.bias === undefined ? ', no bias' : ''}`;
    case 'linear':
      return `linear ${x[0]}→${y[0]}${op.bias === undefined ? ', no bias' : ''}`;
    case 'maxpool':
      return `maxpool ${op.size}×${op.size} stride ${op.stride} ${pads(op.pads)}`;
    case 'avgpool':
      return `avgpool ${op.size}×${op.size} stride ${op.stride} ${pads(op.pads)}${op.countIncludePad ? ', padding counted' : ''}`;
    case 'adaptiveavgpool':
      return `adaptiveavgpool to ${op.outHeight}×${op.outWidth}`;
    default:
      return op.kind;
  }
}

function pads(p: Pads): string {
  return p.every((v) => v === p[0]) ? `pad ${p[0]}` : `pads ${p.join(',')} (top,left,bottom,right)`;
}
