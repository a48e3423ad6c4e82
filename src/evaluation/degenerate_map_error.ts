/**
 * A map that cannot seed GrabCut: flat (no pixel above its background quantile), or with foreground seeds
 * on every pixel. A RangeError, so commands print it as one line; evaluations catch it to count the scene
 * as a failure (no mask, no box) rather than stop.
 */
export class DegenerateMapError extends RangeError {
  override readonly name = 'DegenerateMapError';
}
