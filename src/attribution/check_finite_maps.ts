import type { SaliencyMaps } from './saliency_maps.ts';

/**
 * Stops a batch of maps whose numbers went bad before anything is drawn from them: logits that overflowed
 * float32 in the forward pass, or maps with NaN or ±Infinity from the backward pass under `method`. A NaN
 * picture would otherwise be written as if it were a result.
 * @throws RangeError naming the step (forward pass or backward pass), the image and what was found.
 */
export function checkFiniteMaps(result: SaliencyMaps, n: number, method: string): void {
  const classes = result.logits.length / n;
  const plane = result.maps.length / n;
  for (let i = 0; i < n; i++) {
    const logits = result.logits.subarray(i * classes, (i + 1) * classes);
    const bad = logits.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      throw new RangeError(
        `the forward pass gave image ${i} a non-finite score (${logits[bad]} for class ${bad}): the model's weights or the input overflow float32; no map drawn`,
      );
    }
    let count = 0;
    for (let p = i * plane; p < (i + 1) * plane; p++) if (!Number.isFinite(result.maps[p])) count++;
    if (count > 0) {
      throw new RangeError(
        `the backward pass (${method}) gave image ${i} a map with ${count} non-finite value${count === 1 ? '' : 's'} of ${plane}: a gradient overflowed float32; no map drawn`,
      );
    }
  }
}
