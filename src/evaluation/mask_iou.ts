/**
 * Intersection over union of two binary masks of the same size (nonzero = inside): |A ∩ B| / |A ∪ B|,
 * and 1 for two empty masks (they agree).
 * @throws RangeError for masks of different lengths.
 */
export function maskIou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`maskIou: masks of ${a.length} and ${b.length} pixels`);
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    const inA = a[i] !== 0;
    const inB = b[i] !== 0;
    if (inA && inB) both++;
    if (inA || inB) either++;
  }
  return either === 0 ? 1 : both / either;
}
