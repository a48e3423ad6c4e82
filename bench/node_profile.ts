// Where a saliency map's time goes, by node type: one forward and one backward pass of a graph with a GPU
// timestamp before every node (GraphModel's onNode hook), the span from one to the next charged to that
// node's op and pass, summed. Needs `timestamp-query`; Dawn rounds timestamps (100 µs by default), so a
// row of many tiny nodes is approximate.

import type { Gpu } from '../src/gpu/mod.ts';
import { type Graph, GraphModel, type GraphNode } from '../src/graph/mod.ts';
import type { Random } from '../src/random/mod.ts';

/** Time spent in one kind of node in one pass, summed over the graph's nodes of that kind. */
export interface NodeTypeTime {
  readonly pass: 'forward' | 'backward';
  readonly op: GraphNode['op']['kind'];
  readonly nodes: number;
  readonly ms: number;
}

/** Profiles one saliency pass (forward, backward to the input under the gradient rule) of `graph` at batch `n`; undefined without timestamps. */
export async function profileNodeTypes(gpu: Gpu, graph: Graph, random: Random, n: number): Promise<NodeTypeTime[] | undefined> {
  if (!gpu.hasTimestamps) return undefined;
  const marks: Array<{ node: GraphNode; pass: 'forward' | 'backward' }> = [];
  const count = 2 * graph.nodes.length + 1;
  const querySet = gpu.device.createQuerySet({ type: 'timestamp', count });
  let recording = false;
  const model = GraphModel.create(gpu, graph, {
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
    const stamps = marks.length + 1;
    const resolve = gpu.device.createBuffer({ size: 8 * stamps, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const staging = gpu.device.createBuffer({ size: 8 * stamps, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = gpu.encoder();
    encoder.resolveQuerySet(querySet, 0, stamps, resolve, 0);
    encoder.copyBufferToBuffer(resolve, 0, staging, 0, 8 * stamps);
    await gpu.sync();
    await staging.mapAsync(GPUMapMode.READ);
    const times = new BigUint64Array(staging.getMappedRange().slice(0));
    staging.destroy();
    resolve.destroy();
    const sums = new Map<string, { pass: 'forward' | 'backward'; op: GraphNode['op']['kind']; nodes: number; ms: number }>();
    marks.forEach(({ node, pass }, k) => {
      const key = `${pass} ${node.op.kind}`;
      const row = sums.get(key) ?? { pass, op: node.op.kind, nodes: 0, ms: 0 };
      row.nodes++;
      row.ms += Number(times[k + 1] - times[k]) / 1e6;
      sums.set(key, row);
    });
    return [...sums.values()].sort((a, b) => b.ms - a.ms);
  } finally {
    model.destroy();
    querySet.destroy();
  }
}
