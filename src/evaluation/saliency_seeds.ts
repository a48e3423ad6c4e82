import { DegenerateMapError } from './degenerate_map_error.ts';
import { mapQuantiles } from './map_quantiles.ts';

/** GrabCut's mask values (OpenCV's `GC_*` constants, fixed since OpenCV 2). */
export const GC_BGD = 0;
export const GC_FGD = 1;
export const GC_PR_BGD = 2;
export const GC_PR_FGD = 3;

/** The quantiles that seed GrabCut from a saliency map (Simonyan et al. 2014, section 6). */
export interface SeedQuantiles {
  /** Pixels at or above this quantile of the map are foreground seeds (default 0.95). */
  readonly foreground?: number;
  /** Pixels strictly below this quantile are background seeds (default 0.3). */
  readonly background?: number;
}

/** GrabCut's initial mask from a map, with the thresholds and how many pixels each label got. */
export interface SaliencySeeds {
  /** (H, W) of GC_FGD, GC_BGD and GC_PR_BGD (the rest: "probably background"). */
  readonly mask: Uint8Array;
  readonly foregroundThreshold: number;
  readonly backgroundThreshold: number;
  readonly counts: { readonly foreground: number; readonly background: number; readonly probableBackground: number };
}

/**
 * The paper's seeds: foreground (GC_FGD) where the map is at or above its 95% quantile, background (GC_BGD)
 * where it is below its 30% quantile, and "probably background" (GC_PR_BGD) everywhere else; quantiles as
 * `mapQuantiles` computes them (NumPy's default, linear interpolation).
 *
 * @throws DegenerateMapError (a RangeError) for a flat map (no value above its background quantile: nothing tells object from
 *   background), and for a map whose foreground seeds cover every pixel (ties at the foreground quantile
 *   leave GrabCut no background to learn a colour model from).
 * @example
 * const { mask, counts } = saliencySeeds(map);
 */
export function saliencySeeds(map: ArrayLike<number>, quantiles: SeedQuantiles = {}): SaliencySeeds {
  const foregroundQuantile = quantiles.foreground ?? 0.95;
  const backgroundQuantile = quantiles.background ?? 0.3;
  if (!(backgroundQuantile <= foregroundQuantile)) {
    throw new RangeError(`saliencySeeds: the background quantile ${backgroundQuantile} is above the foreground one ${foregroundQuantile}`);
  }
  const [foregroundThreshold, backgroundThreshold] = mapQuantiles(map, [foregroundQuantile, backgroundQuantile]);
  const n = map.length;
  const mask = new Uint8Array(n);
  let foreground = 0;
  let background = 0;
  let above = 0;
  for (let i = 0; i < n; i++) {
    const v = map[i];
    if (v > backgroundThreshold) above++;
    if (v >= foregroundThreshold) {
      mask[i] = GC_FGD;
      foreground++;
    } else if (v < backgroundThreshold) {
      mask[i] = GC_BGD;
      background++;
    } else {
      mask[i] = GC_PR_BGD;
    }
  }
  if (above === 0) {
    throw new DegenerateMapError(`the map is flat: no pixel lies above its ${100 * backgroundQuantile}% quantile (${backgroundThreshold}), so nothing marks an object`);
  }
  if (foreground === n) {
    throw new DegenerateMapError(
      `the map leaves no background: every pixel is at or above its ${100 * foregroundQuantile}% quantile (${foregroundThreshold}), tied values`,
    );
  }
  return { mask, foregroundThreshold, backgroundThreshold, counts: { foreground, background, probableBackground: n - foreground - background } };
}
