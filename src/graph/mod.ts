/**
 * The graph executor: a network as data (nodes in topological order over named tensors), its shapes
 * resolved once, and `GraphModel`, which runs any such graph forward and backward on the GPU: what
 * attribution and evaluation ask of any network (`Classifier`).
 * @module
 */
export type { Classifier, SpatialOutput } from './classifier.ts';
export { describeGraph, type GraphDescription, type NodeDescription } from './describe_graph.ts';
export type { Graph, GraphNode, GraphOp, Pads } from './graph.ts';
export { type ClassScoreGradient, GraphModel, type GraphModelOptions, type GraphParameter } from './graph_model.ts';
export { type GraphShapes, graphShapes, type TensorShape, tensorSize } from './graph_shapes.ts';
export type { ModelInfo } from './model_info.ts';
