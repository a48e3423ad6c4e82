import type { SaliencyMaps } from './saliency_maps.ts';

/** Maps with what a method reports beside them. */
export interface AttributionMaps extends SaliencyMaps {
  /**
   * Integrated Gradients only, one per image: the completeness gap |Σ IG − (S_c(x) − S_c(x'))| /
   * |S_c(x) − S_c(x')|, how far the m-step sum falls short of the score difference it should add up to
   * (NaN where the two scores are equal: there is no difference to add up to).
   */
  readonly completeness?: Float64Array;
}

/**
 * Runs `run` on runs of at most `batch` of the n images (start, count) and joins their maps, logits,
 * classes and completeness gaps in order, calling `onProgress` with the maps done after each run.
 */
export async function chunkedMaps(
  n: number,
  batch: number,
  pixels: number,
  classCount: number,
  run: (start: number, count: number) => Promise<AttributionMaps>,
  onProgress?: (done: number, total: number) => void,
): Promise<AttributionMaps> {
  if (n <= batch) {
    const result = await run(0, n);
    onProgress?.(n, n);
    return result;
  }
  const maps = new Float32Array(n * pixels);
  const logits = new Float32Array(n * classCount);
  const classes: number[] = [];
  let completeness: Float64Array | undefined;
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    const part = await run(start, count);
    maps.set(part.maps, start * pixels);
    logits.set(part.logits, start * classCount);
    classes.push(...part.classes);
    if (part.completeness) {
      completeness ??= new Float64Array(n);
      completeness.set(part.completeness, start);
    }
    onProgress?.(start + count, n);
  }
  return completeness ? { maps, logits, classes, completeness } : { maps, logits, classes };
}
