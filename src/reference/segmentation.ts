/**
 * The plain loops the segmentation tests trust: quantiles by counting (no sort), and connected components
 * by relaxation (every pixel takes the smallest label among its 8 neighbours until nothing changes).
 */

/**
 * The q-quantile of `values` under NumPy's default definition (linear, Hyndman & Fan type 7), found by
 * counting: the k-th smallest value is the one with fewer than k+1 values below it and at least k+1 at or
 * below it; then Q = v(⌊h⌋) + (h − ⌊h⌋)·(v(⌊h⌋+1) − v(⌊h⌋)), h = q·(n − 1).
 */
export function quantileReference(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  const kth = (k: number): number => {
    for (let i = 0; i < n; i++) {
      let below = 0;
      let atOrBelow = 0;
      for (let j = 0; j < n; j++) {
        if (values[j] < values[i]) below++;
        if (values[j] <= values[i]) atOrBelow++;
      }
      if (below <= k && k < atOrBelow) return values[i];
    }
    throw new Error('unreachable');
  };
  const h = q * (n - 1);
  const lo = Math.floor(h);
  const a = kth(lo);
  const b = kth(Math.min(lo + 1, n - 1));
  return a + (h - lo) * (b - a);
}

/**
 * The largest 8-connected component of the nonzero pixels (H, W), ties to the component whose first pixel
 * in row-major order comes first; (H, W) of 0/1 and its area. Components found by relaxation: each set pixel
 * starts labelled with its own index and repeatedly takes the smallest label among itself and its set
 * 8-neighbours, so in the end every component carries the index of its first pixel.
 */
export function largestComponentReference(mask: ArrayLike<number>, height: number, width: number): { mask: Uint8Array; area: number } {
  const n = height * width;
  const label = new Float64Array(n).fill(Infinity);
  for (let p = 0; p < n; p++) if (mask[p]) label[p] = p;
  let changed = true;
  while (changed) {
    changed = false;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        if (!mask[p]) continue;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= height || xx < 0 || xx >= width || !mask[yy * width + xx]) continue;
            if (label[yy * width + xx] < label[p]) {
              label[p] = label[yy * width + xx];
              changed = true;
            }
          }
        }
      }
    }
  }
  const areas = new Map<number, number>();
  for (let p = 0; p < n; p++) if (mask[p]) areas.set(label[p], (areas.get(label[p]) ?? 0) + 1);
  let best = -1;
  let bestArea = 0;
  for (const [l, area] of [...areas].sort((a, b) => a[0] - b[0])) {
    if (area > bestArea) [best, bestArea] = [l, area];
  }
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) if (mask[p] && label[p] === best) out[p] = 1;
  return { mask: out, area: bestArea };
}
