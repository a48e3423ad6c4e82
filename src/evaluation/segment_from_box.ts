import type { PixelImage } from '../attribution/mod.ts';
import type { Box } from '../data/mod.ts';
import { grabCut } from './grab_cut.ts';
import { type Component, largestComponent } from './largest_component.ts';
import { openCv } from './open_cv.ts';
import { rgbBytes } from './rgb_bytes.ts';
import { GC_FGD, GC_PR_FGD } from './saliency_seeds.ts';

/**
 * The baseline GrabCut without a map: started from a rectangle (GC_INIT_WITH_RECT: outside it background,
 * inside probably foreground), `iterations` rounds (default 5), then the largest 8-connected component of
 * its foreground (definite or probable) and that component's box, as `segmentFromMap` does.
 * @throws Error with OpenCV's message if GrabCut fails (a rectangle covering the whole image leaves no background).
 */
export async function segmentFromBox(image: PixelImage, box: Box, iterations = 5): Promise<Component> {
  const { height, width } = image;
  const labels = grabCut(await openCv(), rgbBytes(image), height, width, { rect: box }, iterations);
  return largestComponent(labels.map((v) => (v === GC_FGD || v === GC_PR_FGD ? 1 : 0)), height, width);
}
