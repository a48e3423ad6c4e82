/** Per-channel statistics that a VggSpec's `normalize` holds: (p − mean[c]) / std[c] for p in [0, 1]. */
export interface Normalize {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * A labelled image dataset read item by item, so that a split may live in memory (Fashion-MNIST's
 * bytes) or be drawn on demand (the cluttered set). Items are indexed 0 … length − 1.
 */
export interface ImageDataset {
  /** A short name for messages, such as `fashion-mnist train`. */
  readonly name: string;
  readonly length: number;
  readonly input: { readonly channels: number; readonly height: number; readonly width: number };
  /** The class names; labels index them. */
  readonly classes: readonly string[];
  /** The dataset's own per-channel mean and standard deviation of pixels in [0, 1]. */
  readonly normalize: Normalize;
  /** The class of item `i`, in [0, classes.length). */
  label(i: number): number;
  /** Writes item `i` as (C, H, W) pixels in [0, 1] into `out` from `offset`. */
  pixels(i: number, out: Float32Array, offset?: number): void;
}

/** Throws a RangeError naming the dataset unless `i` indexes one of its items. */
export function checkItem(dataset: ImageDataset, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= dataset.length) {
    throw new RangeError(`${dataset.name}: item ${i} is outside [0, ${dataset.length})`);
  }
}
