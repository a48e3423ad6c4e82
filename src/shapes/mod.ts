/**
 * Shapes shared by the float64 reference and the GPU kernels: each names its tensors' layouts and
 * computes its output size one way, for both.
 * @module
 */
export { type AdaptiveAvgPool2dShape, adaptivePoolWindow } from './adaptive_avg_pool2d_shape.ts';
export { type AvgPool2dShape, avgPool2dOutputSize } from './avg_pool2d_shape.ts';
export { conv2dOutputSize, conv2dPads, conv2dPlain, type Conv2dShape } from './conv2d_shape.ts';
export type { ImageShape } from './image_shape.ts';
export type { LinearShape } from './linear_shape.ts';
export { type MaxPool2dShape, maxPool2dOutputSize, maxPool2dWindow } from './max_pool2d_shape.ts';
export { RELU_RULES, type ReluRule } from './relu_rule.ts';
export type { AdamOptions, SgdMomentumOptions } from './optimizer_options.ts';
