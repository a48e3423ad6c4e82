/**
 * The perturbed copies of insertion/deletion fidelity, in plain loops: for each of n images (C, H, W) and
 * each checkpoint k_j, a deletion copy (pixels of rank < k_j set to `deletion` in every channel) and, after
 * all K of those, the insertion copies (pixels of rank < k_j from the image, the rest from `insertion`, a
 * constant or an (n, C, H, W) start). Returns y (n, 2K, C, H, W).
 */
export function fidelityPerturb(
  s: { readonly n: number; readonly c: number; readonly h: number; readonly w: number },
  x: ArrayLike<number>,
  ranks: ArrayLike<number>,
  checkpoints: readonly number[],
  deletion: number,
  insertion: number | ArrayLike<number>,
): Float64Array {
  const pixels = s.h * s.w;
  const image = s.c * pixels;
  const k = checkpoints.length;
  const y = new Float64Array(s.n * 2 * k * image);
  for (let i = 0; i < s.n; i++) {
    for (let j = 0; j < 2 * k; j++) {
      const isDeletion = j < k;
      const keep = checkpoints[isDeletion ? j : j - k];
      for (let c = 0; c < s.c; c++) {
        for (let p = 0; p < pixels; p++) {
          const at = i * image + c * pixels + p;
          const chosen = ranks[i * pixels + p] < keep;
          const empty = typeof insertion === 'number' ? insertion : insertion[at];
          y[((i * 2 * k + j) * s.c + c) * pixels + p] = isDeletion ? (chosen ? deletion : x[at]) : chosen ? x[at] : empty;
        }
      }
    }
  }
  return y;
}
