// The peers on a whole network: TensorFlow.js's `tf.grad` saliency maps of the same graph on the same
// adapter, and ONNX Runtime's forward pass of it (written out as ONNX) on the CPU's cores, each checked
// against deepinside's own result on the same input before it is timed (validate, then time).

import type { Gpu } from '../src/gpu/mod.ts';
import { type Graph, GraphModel } from '../src/graph/mod.ts';
import { saliencyMap } from '../src/nn/mod.ts';
import type { Random } from '../src/random/mod.ts';
import type { OrtPeer, PeerOp, TfjsPeer } from './peers/mod.ts';

/**
 * Largest |peer − ours| over the largest |ours| that lets a peer's result count as the same computation:
 * logits to 1e-3; saliency maps to 1e-2. ResNet-50's maps from TF.js lay 2.9e-3 from ours (ResNet-18's at
 * 64×64 7e-7, the logits of either 5e-7): most likely ReLU gates, since a gradient through fifty layers
 * follows each one, and a pre-activation within rounding of zero may open in one float32 implementation and
 * not in the other. A missing branch or a transposed index is off by the order of the values themselves.
 */
export const GRAPH_PEER_LIMITS = { 'forward (logits)': 1e-3, 'saliency map': 1e-2 } as const;

/** One network pass of a peer, ready to time, with how far its result lay from ours. */
export interface GraphPeerCase {
  readonly peer: string;
  /** `saliency map` (TF.js) or `forward (logits)` (ONNX Runtime): which of deepinside's rows it stands beside. */
  readonly pass: 'saliency map' | 'forward (logits)';
  readonly batch: number;
  readonly op: PeerOp;
  /** max |peer − ours| / max |ours|. */
  readonly error: number;
}

/**
 * Builds the peers' passes of `graph` at batch `n` on one random input (classes i mod classes, as the
 * end-to-end cases take them) and checks each against deepinside's logits and saliency maps. A peer that
 * fails to build or run is reported in `failed` with its message; the caller times and disposes the rest.
 */
export async function graphPeerCases(
  gpu: Gpu,
  graph: Graph,
  random: Random,
  n: number,
  peers: { readonly tfjs?: TfjsPeer; readonly ort?: OrtPeer },
): Promise<{ cases: GraphPeerCase[]; failed: Array<{ peer: string; pass: GraphPeerCase['pass']; message: string }> }> {
  const model = GraphModel.create(gpu, graph);
  const { channels, height, width } = graph.info.input;
  const input = random.uniformArray(n * model.inputSize);
  const classes = Array.from({ length: n }, (_, i) => i % model.classes);
  let logits: Float32Array;
  let maps: Float32Array;
  const map = gpu.tensor(n * height * width, 'saliency map');
  try {
    await model.forward(input, n);
    logits = await gpu.read(model.logits, 0, n * model.classes);
    await model.backward(model.oneHot(n, classes), 'gradient');
    await saliencyMap(gpu, { n, c: channels, h: height, w: width }, model.inputGradient, map);
    maps = await gpu.read(map);
  } finally {
    map.buffer.destroy();
    model.destroy();
  }
  const cases: GraphPeerCase[] = [];
  const failed: Array<{ peer: string; pass: GraphPeerCase['pass']; message: string }> = [];
  const builds: Array<[string, GraphPeerCase['pass'], Float32Array, () => Promise<PeerOp>]> = [];
  if (peers.tfjs) builds.push([peers.tfjs.name, 'saliency map', maps, () => peers.tfjs!.graphSaliency(graph, n, input, classes)]);
  if (peers.ort) builds.push([peers.ort.name, 'forward (logits)', logits, () => peers.ort!.graphForward(graph, n, input)]);
  for (const [peer, pass, ours, build] of builds) {
    let op: PeerOp | undefined;
    try {
      op = await build();
      const theirs = await op.check();
      cases.push({ peer, pass, batch: n, op, error: relativeError(theirs, ours) });
    } catch (error) {
      op?.dispose();
      failed.push({ peer, pass, message: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
  return { cases, failed };
}

/** max |a − b| / max |b|; Infinity where the lengths differ or a value is not finite. */
function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!Number.isFinite(d)) return Number.POSITIVE_INFINITY;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
