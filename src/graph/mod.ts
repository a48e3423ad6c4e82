/**
 * The graph executor's face: what attribution and evaluation ask of any network on the GPU.
 * @module
 */
export type { Classifier, SpatialOutput } from './classifier.ts';
