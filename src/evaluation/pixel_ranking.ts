/**
 * The rank of every pixel of a map (H·W values, row-major) in the protocol's order: descending by value,
 * ties broken by ascending row-major index (a stable sort), so that the result is reproducible to the bit.
 * ranks[p] = r means pixel p is the (r+1)-th most salient; ranks is a permutation of 0 … H·W − 1.
 * `out` receives the ranks from `offset` when given (a batch's rank tensor, filled image by image).
 * @throws RangeError for a NaN value (the order would not be defined).
 * @example
 * pixelRanks([0.2, 0.9, 0.2, 0.5]); // Uint32Array [2, 0, 3, 1]
 */
export function pixelRanks(map: ArrayLike<number>, out = new Uint32Array(map.length), offset = 0): Uint32Array {
  const order = pixelOrder(map);
  for (let r = 0; r < order.length; r++) out[offset + order[r]] = r;
  return out;
}

/** The pixels of a map in the protocol's order (see `pixelRanks`): order[r] is the pixel of rank r. */
export function pixelOrder(map: ArrayLike<number>): Uint32Array {
  const n = map.length;
  for (let p = 0; p < n; p++) {
    if (Number.isNaN(map[p])) throw new RangeError(`pixelRanks: the map's value at pixel ${p} is NaN`);
  }
  const order = Uint32Array.from({ length: n }, (_, p) => p);
  // A comparator with the index as the tie-break is a total order: the result does not depend on the sort.
  return order.sort((a, b) => (map[b] > map[a] ? 1 : map[b] < map[a] ? -1 : a - b));
}
