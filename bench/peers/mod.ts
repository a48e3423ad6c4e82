/**
 * The benchmark's peers: other libraries doing our kernels' work in the same process, TensorFlow.js on
 * the same WebGPU adapter and ONNX Runtime on the CPU's cores, and PyTorch's CPU build in a Python process. Each op is built once and timed by
 * `run()`; `check()` returns its result for a comparison with the float64 reference. They are
 * devDependencies, loaded only when `openTfjs()` or `openOnnxRuntime()` is called.
 * @module
 */
export { openOnnxRuntime, type OrtPeer } from './onnxruntime.ts';
export type { PeerOp, PeerUnavailable } from './peer_op.ts';
export { openTfjs, outputChunksToFit, type TfjsPeer, type TfjsSaliencyOptions } from './tfjs.ts';
export { openTorch, type TorchPeer, type TorchVggOptions } from './torch.ts';
export { saliencyFlops, VGG16_CLASSIFIER, vgg16Spec } from './vgg16_spec.ts';
