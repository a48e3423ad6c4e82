/**
 * The float64 reference: plain nested loops that every GPU test trusts, each itself checked against
 * finite differences. Tensors are dense row-major Float64Arrays, images NCHW; inputs may be any
 * ArrayLike<number> (a Float32Array straight from the GPU, say).
 * @module
 */
export { adamStep } from './adam.ts';
export { addTensors } from './add_tensors.ts';
export { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from './adaptive_avg_pool2d.ts';
export { accumulateGradients } from './accumulate_gradients.ts';
export { anchoredAscentStep } from './anchored_ascent_step.ts';
export { ascentStep } from './ascent_step.ts';
export { avgPool2dBackward, avgPool2dForward } from './avg_pool2d.ts';
export { batchNormBackward, batchNormForward } from './batch_norm.ts';
export { bilinearUpsample } from './bilinear_upsample.ts';
export { fidelityPerturb } from './fidelity_perturb.ts';
export { gaussianBlur2d } from './gaussian_blur2d.ts';
export { globalAvgPool2dBackward, globalAvgPool2dForward } from './global_avg_pool2d.ts';
export { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.ts';
export { conv2dBackwardSaliency } from './conv2d_backward_saliency.ts';
export { conv2dWinograd, WINOGRAD_MATRICES, type WinogradTile } from './conv2d_winograd.ts';
export {
  referenceGraphBackward,
  type ReferenceGraphBackward,
  referenceGraphClassScoreGradient,
  referenceGraphForward,
  type ReferenceGraphForward,
  type ReferenceShape,
} from './graph.ts';
export { gradCam, gradCamWeights } from './grad_cam.ts';
export { inputProductMap } from './input_product_map.ts';
export { integrationPoints } from './integration_points.ts';
export { linearBackwardInput, linearBackwardWeight, linearForward } from './linear.ts';
export { maxPool2dBackward, maxPool2dForward } from './max_pool2d.ts';
export { counterNormal, noisyCopies, pcgHash } from './noisy_copies.ts';
export { reluBackward, reluForward } from './relu.ts';
export { relativeError } from './relative_error.ts';
export { roll2d } from './roll2d.ts';
export { saliencyMap } from './saliency.ts';
export { sgdMomentumStep } from './sgd_momentum.ts';
export { softmaxCrossEntropy } from './softmax_cross_entropy.ts';
export {
  referenceClassScoreGradient,
  referenceVggBackward,
  referenceVggForward,
  type ReferenceVggBackward,
  type ReferenceVggForward,
  type ReferenceWeights,
} from './vgg.ts';
export type { AdamOptions, SgdMomentumOptions } from '../shapes/mod.ts';
export { largestComponentReference, quantileReference } from './segmentation.ts';
