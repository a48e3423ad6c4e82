import type { Graph, GraphNode } from '../graph/mod.ts';

/**
 * Folds each batchnorm node into the conv before it, where that conv's output feeds only the batch norm
 * (and is not the graph's output): y = (conv(x) + b)·scale + shift = conv'(x) + b' with
 * weight'[k] = weight[k]·scale[k] and b'[k] = b[k]·scale[k] + shift[k], computed in float64 and rounded
 * once. The folded conv keeps the conv's name and writes the batch norm's output tensor; its weights get
 * fresh names (`<conv>.folded_weight`, `<conv>.folded_bias`), so that a tensor two nodes share is never
 * changed under the other. Other batchnorm nodes stay (the executor has a kernel for them). Weights no
 * node names any more are dropped.
 */
export function foldBatchNorm(graph: Graph): Graph {
  const readers = new Map<string, number>();
  for (const node of graph.nodes) for (const input of node.inputs) readers.set(input, (readers.get(input) ?? 0) + 1);
  const producer = new Map<string, number>();
  graph.nodes.forEach((node, i) => producer.set(node.output, i));

  const weights = new Map(graph.weights);
  const nodes: (GraphNode | null)[] = [...graph.nodes];
  graph.nodes.forEach((node, i) => {
    const bn = node.op;
    if (bn.kind !== 'batchnorm') return;
    const from = producer.get(node.inputs[0]);
    const conv = from === undefined ? null : nodes[from];
    if (!conv || conv.op.kind !== 'conv' || readers.get(conv.output) !== 1 || conv.output === graph.output) return;
    const weight = need(weights, conv.op.weight);
    const scale = need(weights, bn.scale);
    const shift = need(weights, bn.shift);
    const k = scale.length;
    if (shift.length !== k || weight.length % k !== 0) {
      throw new RangeError(`fold_batch_norm: ${node.name} has ${k} channels but conv ${conv.name} does not`);
    }
    const bias = conv.op.bias === undefined ? new Float32Array(k) : need(weights, conv.op.bias);
    const per = weight.length / k;
    const folded = new Float32Array(weight.length);
    for (let o = 0; o < k; o++) for (let j = 0; j < per; j++) folded[o * per + j] = weight[o * per + j] * scale[o];
    const foldedBias = Float32Array.from(bias, (b, o) => b * scale[o] + shift[o]);
    const weightName = fresh(weights, `${conv.name}.folded_weight`);
    weights.set(weightName, folded);
    const biasName = fresh(weights, `${conv.name}.folded_bias`);
    weights.set(biasName, foldedBias);
    nodes[from as number] = {
      name: conv.name,
      op: { ...conv.op, weight: weightName, bias: biasName },
      inputs: conv.inputs,
      output: node.output,
    };
    nodes[i] = null;
  });

  const kept = nodes.filter((node): node is GraphNode => node !== null);
  const named = new Set<string>();
  for (const { op } of kept) {
    for (const key of ['weight', 'bias', 'scale', 'shift'] as const) {
      const name = (op as Partial<Record<typeof key, string>>)[key];
      if (name !== undefined) named.add(name);
    }
  }
  for (const name of [...weights.keys()]) if (!named.has(name)) weights.delete(name);
  return { info: graph.info, input: graph.input, output: graph.output, nodes: kept, weights };
}

function need(weights: ReadonlyMap<string, Float32Array>, name: string): Float32Array {
  const values = weights.get(name);
  if (!values) throw new RangeError(`fold_batch_norm: no weight "${name}"`);
  return values;
}

function fresh(weights: ReadonlyMap<string, Float32Array>, name: string): string {
  let candidate = name;
  for (let i = 2; weights.has(candidate); i++) candidate = `${name}_${i}`;
  return candidate;
}
