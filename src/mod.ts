/**
 * deepinside: saliency maps, class models and the deconvnet rules of Simonyan, Vedaldi & Zisserman
 * (2014) on hand-written WGSL kernels, for Node (Dawn) and the browser (navigator.gpu) alike.
 * @module
 */
export * from './attribution/mod.ts';
export * from './data/mod.ts';
export * from './evaluation/mod.ts';
export * from './gpu/mod.ts';
export * from './graph/mod.ts';
export * from './io/mod.ts';
export * from './model/mod.ts';
export * from './nn/mod.ts';
export * from './random/mod.ts';
export * from './shapes/mod.ts';
export * from './train/mod.ts';
export * as reference from './reference/mod.ts';
