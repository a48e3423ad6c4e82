import { type PixelImage, segmentationOverlay, segmentFromMap } from '../src/mod.ts';
import type { DemoResults } from './demo_results.ts';
import { drawImage } from './draw_image.ts';

/** What the segment control needs of the map on show. */
export interface ShownMap {
  readonly model: string;
  readonly image: string;
  readonly rule: string;
  readonly classIndex: number;
  readonly map: Float32Array;
  readonly picture: PixelImage;
}

/**
 * The page's "segment" control: the paper's segmentation (seeds at the map's 95% and 30% quantiles,
 * OpenCV's GrabCut, the largest 8-connected component and its box, as `deepinside segment`) of the map on
 * show, drawn over the image (mask green, box red). OpenCV.js is fetched on the first press.
 */
export async function segmentShown(shown: ShownMap, canvas: HTMLCanvasElement, status: HTMLElement, results: DemoResults): Promise<void> {
  status.textContent = 'Segmenting (OpenCV.js loads on first use)…';
  const start = performance.now();
  const { mask, box, area, seeds } = await segmentFromMap(shown.picture, shown.map);
  const ms = performance.now() - start;
  drawImage(canvas, segmentationOverlay(shown.picture, mask, box));
  status.textContent =
    `Class ${shown.classIndex}, ${shown.rule} map: ${seeds.counts.foreground} foreground and ${seeds.counts.background} background seeds; ` +
    `the object is ${area} pixels, box [${box.join(', ')}] (${ms.toFixed(0)} ms, GrabCut on the CPU in WebAssembly).`;
  results.segmentation = { model: shown.model, image: shown.image, rule: shown.rule, classIndex: shown.classIndex, mask, box: [...box], area };
}
