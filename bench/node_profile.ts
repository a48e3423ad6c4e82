// Where a saliency map's time goes, by node type: one forward and one backward pass of a graph with a GPU
// timestamp before every node (GraphModel's onNode hook), the span from one to the next charged to that
// node's op and pass (and layer shape), summed. Needs `timestamp-query`; Dawn rounds timestamps (100 µs by default), so a
// row of many tiny nodes is approximate.

import type { Gpu } from '../src/gpu/mod.ts';
import { type Graph, GraphModel, type GraphNode, graphShapes } from '../src/graph/mod.ts';
import type { Random } from '../src/random/mod.ts';
import { readTimestamps } from './read_timestamps.ts';

/** Time spent in one kind of node in one pass, summed over the graph's nodes of that kind. */
export interface NodeTypeTime {
  readonly pass: 'forward' | 'backward';
  readonly op: GraphNode['op']['kind'];
  readonly nodes: number;
  readonly ms: number;
}

/**
 * Time spent in the nodes of one kind and layer shape in one pass: a conv's `layer` is
 * `size×size/stride C→K H×W` (its input's plane), other ops' their kind. `flops` is the multiply-adds ×2 of
 * those nodes at that batch (convs only; 0 for the rest), the same in either pass for the gradient to the input.
 */
export interface NodeShapeTime extends NodeTypeTime {
  readonly layer: string;
  readonly flops: number;
}

/** What `profileNodes` measured: by node type, and by node type and layer shape. */
export interface NodeProfile {
  readonly types: NodeTypeTime[];
  readonly shapes: NodeShapeTime[];
}

/** Profiles one saliency pass (forward, backward to the input under the gradient rule) of `graph` at batch `n`; undefined without timestamps. */
export async function profileNodes(gpu: Gpu, graph: Graph, random: Random, n: number, options: { readonly winograd?: boolean } = {}): Promise<NodeProfile | undefined> {
  if (!gpu.hasTimestamps) return undefined;
  const { shapes } = graphShapes(graph);
  const marks: Array<{ node: GraphNode; pass: 'forward' | 'backward' }> = [];
  const count = 2 * graph.nodes.length + 1;
  const querySet = gpu.device.createQuerySet({ type: 'timestamp', count });
  let recording = false;
  const model = GraphModel.create(gpu, graph, {
    winograd: options.winograd === true,
    onNode: (node, pass) => {
      if (!recording) return;
      gpu.timestamp(querySet, marks.length);
      marks.push({ node, pass });
    },
  });
  try {
    const input = random.uniformArray(n * model.inputSize);
    const dLogits = model.oneHot(n, Array.from({ length: n }, (_, i) => i % model.classes));
    // A warm-up pass compiles every pipeline first.
    await model.forward(input, n);
    await model.backward(dLogits, 'gradient');
    await gpu.sync();
    recording = true;
    await model.forward(input, n);
    await model.backward(dLogits, 'gradient');
    recording = false;
    gpu.timestamp(querySet, marks.length);
    const times = await readTimestamps(gpu, querySet, marks.length + 1);
    const sums = new Map<string, { pass: 'forward' | 'backward'; op: GraphNode['op']['kind']; nodes: number; ms: number }>();
    const bySize = new Map<string, { pass: 'forward' | 'backward'; op: GraphNode['op']['kind']; layer: string; nodes: number; ms: number; flops: number }>();
    marks.forEach(({ node, pass }, k) => {
      const ms = Number(times[k + 1] - times[k]) / 1e6;
      const key = `${pass} ${node.op.kind}`;
      const row = sums.get(key) ?? { pass, op: node.op.kind, nodes: 0, ms: 0 };
      row.nodes++;
      row.ms += ms;
      sums.set(key, row);
      const [layer, flops] = layerOf(node, shapes.get(node.inputs[0])!, shapes.get(node.output)!, n);
      const shapeKey = `${pass} ${layer}`;
      const shapeRow = bySize.get(shapeKey) ?? { pass, op: node.op.kind, layer, nodes: 0, ms: 0, flops: 0 };
      shapeRow.nodes++;
      shapeRow.ms += ms;
      shapeRow.flops += flops;
      bySize.set(shapeKey, shapeRow);
    });
    return { types: [...sums.values()].sort((a, b) => b.ms - a.ms), shapes: [...bySize.values()].sort((a, b) => b.ms - a.ms) };
  } finally {
    model.destroy();
    querySet.destroy();
  }
}

/** A node's layer shape as NodeShapeTime names it, and its FLOPs at batch n. */
function layerOf(node: GraphNode, input: readonly number[], output: readonly number[], n: number): [string, number] {
  if (node.op.kind !== 'conv' || input.length !== 3 || output.length !== 3) return [node.op.kind, 0];
  const { size, stride } = node.op;
  const [c, h, w] = input;
  const [k, oh, ow] = output;
  return [`conv ${size}×${size}/${stride} ${c}→${k} ${h}×${w}`, 2 * n * k * oh * ow * c * size * size];
}
