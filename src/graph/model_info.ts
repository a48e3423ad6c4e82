import type { Normalize } from '../data/mod.ts';

/**
 * What every model carries beside its layers, whatever file it came from: the input it takes, how pixels
 * in [0, 1] are normalised for it, and the names of its classes. A `VggSpec` is one.
 */
export interface ModelInfo {
  readonly input: { readonly channels: number; readonly height: number; readonly width: number };
  /** Applied after pixels are scaled to [0, 1]: (p − mean[c]) / std[c]. */
  readonly normalize: Normalize;
  readonly labels: readonly string[];
}
