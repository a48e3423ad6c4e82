import type { PixelImage } from '../attribution/mod.ts';
import type { Box } from '../data/mod.ts';
import { grabCut } from './grab_cut.ts';
import { largestComponent } from './largest_component.ts';
import { openCv } from './open_cv.ts';
import { rgbBytes } from './rgb_bytes.ts';
import { GC_FGD, GC_PR_FGD, type SaliencySeeds, saliencySeeds, type SeedQuantiles } from './saliency_seeds.ts';

/** Options of `segmentFromMap`. */
export interface SegmentOptions {
  /** The seeds' quantiles (default: foreground at or above 0.95, background below 0.3). */
  readonly quantiles?: SeedQuantiles;
  /** GrabCut's iterations (default 5). */
  readonly iterations?: number;
}

/** An object segmented from a saliency map. */
export interface Segmentation {
  /** (H, W) of 0/1: the largest 8-connected component of GrabCut's foreground. */
  readonly mask: Uint8Array;
  /** The component's pixels. */
  readonly area: number;
  /** The component's bounding box [x0, y0, x1, y1], x1 and y1 exclusive. */
  readonly box: Box;
  /** GrabCut's seeds: the initial mask, its thresholds and counts. */
  readonly seeds: SaliencySeeds;
  /** Pixels GrabCut labelled foreground (definite or probable), in every component. */
  readonly grabCutForeground: number;
}

/**
 * Weakly supervised segmentation from a saliency map, the recipe of Simonyan et al. 2014, section 6:
 * foreground seeds where the map (H, W) is at or above its 95% quantile, background seeds below its 30%
 * quantile, the rest "probably background" (`saliencySeeds`, NumPy's linear quantiles); OpenCV's GrabCut,
 * 5 iterations initialised with that mask, on the image as 8-bit RGB (grey repeated to three channels);
 * the object is the largest 8-connected component of GrabCut's foreground (definite or probable), and its
 * box the component's bounding box. Loads OpenCV.js on first use (Node and browsers alike).
 *
 * GrabCut's colour models start from k-means++, which draws from OpenCV's one global generator: the same
 * inputs in the same order in a fresh process give the same masks.
 *
 * @throws RangeError when the map does not have the image's size; DegenerateMapError (a RangeError) for a
 *   flat map; Error with OpenCV's message if GrabCut fails otherwise.
 * @example
 * const { mask, box } = await segmentFromMap(image, maps.subarray(0, 64 * 64));
 */
export async function segmentFromMap(image: PixelImage, map: ArrayLike<number>, options: SegmentOptions = {}): Promise<Segmentation> {
  const { height, width } = image;
  if (map.length !== height * width) {
    throw new RangeError(`segmentFromMap: the map holds ${map.length} values but the image is ${height}×${width}`);
  }
  const rgb = rgbBytes(image);
  const seeds = saliencySeeds(map, options.quantiles);
  const cv = await openCv();
  const labels = grabCut(cv, rgb, height, width, { mask: seeds.mask }, options.iterations ?? 5);
  const foreground = labels.map((v) => (v === GC_FGD || v === GC_PR_FGD ? 1 : 0));
  let grabCutForeground = 0;
  for (const v of foreground) grabCutForeground += v;
  const { mask, area, box } = largestComponent(foreground, height, width);
  return { mask, area, box, seeds, grabCutForeground };
}
