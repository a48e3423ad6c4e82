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
 * GrabCut needs pixels of both kinds to start its colour models; starts without them are refused here, before
 * OpenCV sees them, because an exception thrown inside OpenCV.js leaks its few kilobytes of heap for good.
 *
 * @throws RangeError for inputs of the wrong size, a mask without background (GC_BGD or GC_PR_BGD) or
 *   foreground (GC_FGD or GC_PR_FGD) pixels, a value that is no GC_* label, a rectangle outside the image,
 *   empty, or covering all of it; Error with OpenCV's message should GrabCut fail anyway (OpenCV.js throws
 *   bare numbers; they are translated).
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
  checkStart(start, height, width);
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

// What OpenCV asserts in initGMMs (both kinds of sample present), checked before it can throw.
function checkStart(start: GrabCutStart, height: number, width: number): void {
  if ('mask' in start) {
    let background = false;
    let foreground = false;
    for (let i = 0; i < start.mask.length; i++) {
      const v = start.mask[i];
      if (v > 3) throw new RangeError(`grabCut: mask value ${v} at pixel ${i} is not one of GC_BGD 0, GC_FGD 1, GC_PR_BGD 2, GC_PR_FGD 3`);
      if (v === 0 || v === 2) background = true;
      else foreground = true;
    }
    if (!background) throw new RangeError('grabCut: the mask marks no pixel as background (GC_BGD or GC_PR_BGD)');
    if (!foreground) throw new RangeError('grabCut: the mask marks no pixel as foreground (GC_FGD or GC_PR_FGD)');
  } else {
    const [x0, y0, x1, y1] = start.rect;
    if (!(0 <= x0 && x0 < x1 && x1 <= width && 0 <= y0 && y0 < y1 && y1 <= height) || ![x0, y0, x1, y1].every(Number.isInteger)) {
      throw new RangeError(`grabCut: the rectangle [${start.rect.join(', ')}] is not a nonempty box of whole pixels inside the ${height}×${width} image`);
    }
    if (x1 - x0 === width && y1 - y0 === height) {
      throw new RangeError(`grabCut: the rectangle [${start.rect.join(', ')}] covers the whole image, leaving no background`);
    }
  }
}
