import type { Random } from '../../src/random/mod.ts';
import type { LinearShape } from '../../src/shapes/mod.ts';

/** A fully connected layer's operands for a test: x, the weight, the bias and an upstream gradient dy. */
export interface LinearData {
  readonly x: Float32Array;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly dy: Float32Array;
}

/** Fresh uniform operands of shape `s`. */
export function randomLinear(random: Random, s: LinearShape): LinearData {
  return {
    x: random.uniformArray(s.n * s.inFeatures),
    weight: random.uniformArray(s.outFeatures * s.inFeatures),
    bias: random.uniformArray(s.outFeatures),
    dy: random.uniformArray(s.n * s.outFeatures),
  };
}
