import type { ImageDataset } from '../data/mod.ts';
import type { ModelInfo } from '../graph/mod.ts';

/** Throws a RangeError unless the dataset's items and classes are what the network takes and gives. */
export function checkDatasetFits(spec: ModelInfo, dataset: ImageDataset): void {
  const a = spec.input;
  const b = dataset.input;
  if (a.channels !== b.channels || a.height !== b.height || a.width !== b.width) {
    throw new RangeError(
      `the model takes ${a.channels}×${a.height}×${a.width} images but ${dataset.name} has ${b.channels}×${b.height}×${b.width}`,
    );
  }
  if (spec.labels.length !== dataset.classes.length) {
    throw new RangeError(`the model has ${spec.labels.length} classes but ${dataset.name} has ${dataset.classes.length}`);
  }
}
