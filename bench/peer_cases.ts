// The same operations in the peers, for the ratios `npm run bench` prints: TensorFlow.js's WebGPU
// backend on the same adapter (conv2d, its two backprops, matMul), ONNX Runtime's CPU build (forward
// passes only) and, when asked for, PyTorch's CPU build (conv2d and its gradient to the input), given the
// very inputs our kernel was timed on.

import type { OrtPeer, PeerOp, TfjsPeer, TorchPeer } from './peers/mod.ts';
import { outputChunksToFit } from './peers/mod.ts';
import type { BenchCase } from './cases.ts';

/** The layers whose kernels are timed against the peers too (the conv2_2, conv3_3, conv4_3, fc6, fc8). */
export const PEER_LAYERS = new Set(['conv2_2', 'conv3_3', 'conv4_3', 'fc6', 'fc8']);

/** The peers' ops for a case, by peer name; none when the peers do not have the operation. */
export async function peerOps(
  c: BenchCase,
  inputs: readonly Float32Array[],
  tfjs: TfjsPeer | undefined,
  ort: OrtPeer | undefined,
  torch?: TorchPeer,
): Promise<Array<readonly [string, PeerOp]>> {
  const ops: Array<readonly [string, PeerOp]> = [];
  if (c.conv) {
    const s = c.conv;
    if (c.kernel === 'conv2d_forward') {
      if (tfjs) ops.push(['tfjs', await tfjs.conv2d(s, inputs[0], inputs[1], inputs[2])]);
      if (ort) ops.push(['onnxruntime', await ort.conv2d(s, inputs[0], inputs[1], inputs[2])]);
      if (torch) ops.push(['torch', await torch.conv2d(s, inputs[0], inputs[1], inputs[2])]);
    } else if (c.kernel === 'conv2d_backward_input') {
      if (tfjs) ops.push(['tfjs', await tfjs.conv2dBackpropInput(s, inputs[0], inputs[1])]);
      if (torch) ops.push(['torch', await torch.conv2dBackwardInput(s, inputs[0], inputs[1])]);
    } else if (c.kernel === 'conv2d_backward_weight') {
      if (tfjs) ops.push(['tfjs', await tfjs.conv2dBackpropFilter(s, inputs[0], inputs[1])]);
    }
  }
  if (c.linear && c.kernel === 'linear_forward') {
    const s = c.linear;
    // fc6's weight exceeds what TF.js can bind on adapters like lavapipe; it needs it in row blocks.
    const chunks = tfjs ? outputChunksToFit(s.inFeatures, s.outFeatures, tfjs.maxBindingBytes) : 1;
    if (tfjs) ops.push([chunks > 1 ? `tfjs (weight in ${chunks} blocks)` : 'tfjs', await tfjs.matMul(s, inputs[0], inputs[1], inputs[2], chunks)]);
    if (ort) ops.push(['onnxruntime', await ort.gemm(s, inputs[0], inputs[1], inputs[2])]);
  }
  return ops;
}
