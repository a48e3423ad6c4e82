import type { Box } from '../data/mod.ts';

/** How well one map points at one box. */
export interface BoxScores {
  /** The share of the map's total inside the box, in [0, 1]; 0 for a map that is zero everywhere. */
  readonly inBox: number;
  /** Whether the map's largest value (the first in raster order on a tie) lies inside the box: the pointing game. */
  readonly hit: boolean;
}

/**
 * Scores a non-negative map (H, W) against a ground-truth box [x0, y0, x1, y1) in its pixels: the fraction
 * of its mass inside the box, and the pointing game (Zhang et al. 2016, without their 15-pixel tolerance:
 * the arg-max pixel must itself lie in the box).
 *
 * @throws RangeError when the map does not hold height × width values.
 */
export function boxScores(map: ArrayLike<number>, height: number, width: number, box: Box): BoxScores {
  if (map.length !== height * width) throw new RangeError(`boxScores: ${map.length} values are not a ${height}×${width} map`);
  const [x0, y0, x1, y1] = box;
  let [total, inside, best, bestAt] = [0, 0, -Infinity, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = map[y * width + x];
      total += v;
      if (x >= x0 && x < x1 && y >= y0 && y < y1) inside += v;
      if (v > best) [best, bestAt] = [v, y * width + x];
    }
  }
  const [bx, by] = [bestAt % width, Math.floor(bestAt / width)];
  return { inBox: total > 0 ? inside / total : 0, hit: total > 0 && bx >= x0 && bx < x1 && by >= y0 && by < y1 };
}
