/**
 * The layers, forward and backward, each a hand-written WGSL kernel in shaders/ under the same name,
 * dispatched from here; plus the saliency reduction, the class-model ascent step, training's loss and
 * optimisers, and the softmax of a row of scores (on the CPU). Every function records its dispatches on
 * the `Gpu`; `gpu.read` or `gpu.sync` waits.
 * @module
 */
export { accumulate } from './accumulate.ts';
export { accumulateGradients, type CopiesShape } from './accumulate_gradients.ts';
export { adamStep } from './adam_step.ts';
export { addTensors } from './add_tensors.ts';
export { adaptiveAvgPool2dBackward } from './adaptive_avg_pool2d_backward.ts';
export { adaptiveAvgPool2dForward } from './adaptive_avg_pool2d_forward.ts';
export { anchoredAscentStep } from './anchored_ascent_step.ts';
export { ascentStep } from './ascent_step.ts';
export { avgPool2dBackward } from './avg_pool2d_backward.ts';
export { avgPool2dForward } from './avg_pool2d_forward.ts';
export { batchNormBackward } from './batch_norm_backward.ts';
export { batchNormForward } from './batch_norm_forward.ts';
export { bilinearUpsample, type ResampleShape } from './bilinear_upsample.ts';
export {
  BACKWARD_INPUT_EPILOGUE_VARIANTS,
  CONV2D_BACKWARD_INPUT_VARIANTS,
  conv2dBackwardInput,
  type Conv2dBackwardInputVariant,
  conv2dBackwardInputVariant,
} from './conv2d_backward_input.ts';
export {
  CONV2D_BACKWARD_SALIENCY_VARIANTS,
  conv2dBackwardSaliency,
  type Conv2dBackwardSaliencyVariant,
  conv2dBackwardSaliencyVariant,
  SALIENCY_CHANNELS,
} from './conv2d_backward_saliency.ts';
export { CONV2D_BACKWARD_WEIGHT_VARIANTS, conv2dBackwardWeight, type Conv2dBackwardWeightVariant } from './conv2d_backward_weight.ts';
export {
  CONV2D_FORWARD_VARIANTS,
  conv2dForward,
  type Conv2dForwardVariant,
  conv2dForwardVariant,
  conv3x3Variant,
  directSplits,
  directVariant,
  EPILOGUE_VARIANTS,
  winogradChoice,
  winogradFits,
} from './conv2d_forward.ts';
export { type Epilogue, epilogueCode } from './epilogue.ts';
export { conv2dWinograd, WINOGRAD_PRODUCTS, type WinogradProduct, winogradProduct, winogradQuadTransforms } from './conv2d_winograd.ts';
export {
  conv2dWinogradWeight,
  WINOGRAD_CHANNEL_BLOCK,
  WINOGRAD_VARIANT_TILES,
  WINOGRAD_VARIANTS,
  type WinogradTile,
  type WinogradWeight,
  winogradWeightLength,
} from './conv2d_winograd_weight.ts';
export { fidelityPerturb, type FidelityPerturbShape, type FidelitySubstrates } from './fidelity_perturb.ts';
export { blurRadius, gaussianBlur2d, MAX_BLUR_SIGMA } from './gaussian_blur2d.ts';
export { globalAvgPool2dBackward } from './global_avg_pool2d_backward.ts';
export { globalAvgPool2dForward } from './global_avg_pool2d_forward.ts';
export { gradCam } from './grad_cam.ts';
export { gradCamWeights } from './grad_cam_weights.ts';
export { inputProductMap } from './input_product_map.ts';
export { integrationPoints, type IntegrationShape } from './integration_points.ts';
export { LINEAR_BACKWARD_INPUT_VARIANTS, linearBackwardInput, linearBackwardInputVariant, type LinearBackwardInputVariant } from './linear_backward_input.ts';
export { LINEAR_BACKWARD_WEIGHT_VARIANTS, linearBackwardWeight, type LinearBackwardWeightVariant } from './linear_backward_weight.ts';
export { LINEAR_FORWARD_VARIANTS, linearForward, type LinearForwardVariant, linearForwardVariant } from './linear_forward.ts';
export { maxPool2dBackward, type MaxPool2dBackwardVariant, maxPool2dBackwardVariant } from './max_pool2d_backward.ts';
export { maxPool2dForward, type MaxPool2dForwardVariant, maxPool2dForwardVariant } from './max_pool2d_forward.ts';
export { noisyCopies, type NoisyCopiesShape } from './noisy_copies.ts';
export { RELU_BACKWARD_VARIANTS, reluBackward, type ReluBackwardVariant } from './relu_backward.ts';
export { RELU_FORWARD_VARIANTS, reluForward, type ReluForwardVariant } from './relu_forward.ts';
export { roll2d } from './roll2d.ts';
export { saliencyMap } from './saliency_map.ts';
export { sgdMomentumStep } from './sgd_momentum_step.ts';
export { softmax } from './softmax.ts';
export { checkLabels, softmaxCrossEntropy } from './softmax_cross_entropy.ts';
export type { AdamOptions, SgdMomentumOptions } from '../shapes/mod.ts';
export { wholeVec4s } from './slices.ts';
export { WINOGRAD_TABLE, type WinogradRow, winogradTableTile } from './winograd_table.ts';
export { ConvWeightCache } from './conv_weight_cache.ts';
export type { WeightLayout } from './conv2d_weight_layout.ts';
