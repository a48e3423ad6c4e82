/**
 * The graph executor's face: a network as data, and what attribution and evaluation ask of any network on
 * the GPU.
 * @module
 */
export type { Classifier, SpatialOutput } from './classifier.ts';
export type { Graph, GraphNode, GraphOp, Pads } from './graph.ts';
export type { ModelInfo } from './model_info.ts';
