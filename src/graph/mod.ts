/**
 * The graph executor's face: what attribution and evaluation ask of any network on the GPU.
 * @module
 */
export type { Classifier, SpatialOutput } from './classifier.ts';
export type { ModelInfo } from './model_info.ts';
