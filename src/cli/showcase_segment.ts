import type { PixelImage } from '../attribution/mod.ts';
import { DegenerateMapError, segmentationOverlay, segmentFromMap } from '../evaluation/mod.ts';

/** The contact sheet's title for the segmentation row. */
export const SEGMENT_TITLE =
  'segmentation (section 6): seeds at the saliency map\'s 95% / below its 30% quantile, GrabCut 5 iterations, largest component (green) and its box (red)';

/**
 * The showcase's picture of one image's segmentation: `segment --overlay` of its gradient map (the mask green,
 * the box red over the dimmed image). A map that cannot seed GrabCut gives the dimmed image alone, so one
 * flat map does not stop the showcase.
 */
export async function showcaseSegment(image: PixelImage, map: Float32Array): Promise<PixelImage> {
  try {
    const { mask, box } = await segmentFromMap(image, map);
    return segmentationOverlay(image, mask, box);
  } catch (error) {
    if (!(error instanceof DegenerateMapError)) throw error;
    return segmentationOverlay(image, new Uint8Array(map.length), [0, 0, 0, 0]);
  }
}
