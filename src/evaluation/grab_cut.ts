import type { Box } from '../data/mod.ts';
import { type OpenCv, type OpenCvMat, openCvMessage } from './open_cv.ts';

/** How GrabCut starts: from a mask of GC_* labels, or from a rectangle (outside it: background). */
export type GrabCutStart = { readonly mask: Uint8Array } | { readonly rect: Box };

/**
 * OpenCV's GrabCut (Rother et al. 2004; `cv.grabCut`) on an 8-bit RGB image (H, W, 3) interleaved, for
 * `iterations` rounds, started from a mask (GC_INIT_WITH_MASK) or a rectangle (GC_INIT_WITH_RECT). Returns
 * GrabCut's final mask (H, W) of GC_BGD, GC_FGD, GC_PR_BGD and GC_PR_FGD. Every Mat it makes is deleted,
 * whether GrabCut succeeds or not.
 *
 * @throws RangeError for inputs of the wrong size, and Error with OpenCV's message when GrabCut fails
 *   (OpenCV.js throws bare numbers; they are translated).
 * @example
 * const labels = grabCut(await openCv(), rgb, 64, 64, { mask: seeds.mask });
 */
export function grabCut(cv: OpenCv, rgb: Uint8Array, height: number, width: number, start: GrabCutStart, iterations = 5): Uint8Array {
  const n = height * width;
  if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0)) {
    throw new RangeError(`grabCut: size ${height}×${width} is not positive whole pixels`);
  }
  if (rgb.length !== 3 * n) throw new RangeError(`grabCut: the image holds ${rgb.length} bytes, not ${height}×${width}×3`);
  if ('mask' in start && start.mask.length !== n) throw new RangeError(`grabCut: the mask holds ${start.mask.length} values, not ${height}×${width}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`grabCut: ${iterations} iterations; give a positive integer`);
  const mats: OpenCvMat[] = [];
  const mat = (m: OpenCvMat) => (mats.push(m), m);
  try {
    const image = mat(new cv.Mat(height, width, cv.CV_8UC3));
    image.data.set(rgb);
    const mask = mat(new cv.Mat(height, width, cv.CV_8UC1));
    const background = mat(new cv.Mat());
    const foreground = mat(new cv.Mat());
    let rect: unknown;
    let mode: number;
    if ('mask' in start) {
      mask.data.set(start.mask);
      rect = new cv.Rect(0, 0, 0, 0);
      mode = cv.GC_INIT_WITH_MASK;
    } else {
      const [x0, y0, x1, y1] = start.rect;
      rect = new cv.Rect(x0, y0, x1 - x0, y1 - y0);
      mode = cv.GC_INIT_WITH_RECT;
    }
    try {
      cv.grabCut(image, mask, rect, background, foreground, iterations, mode);
    } catch (error) {
      throw new Error(`GrabCut failed: ${openCvMessage(cv, error)}`);
    }
    // Copied out: the Mat's bytes are a view into the WebAssembly heap.
    return mask.data.slice(0, n);
  } finally {
    for (const m of mats) m.delete();
  }
}
