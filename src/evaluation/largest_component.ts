import type { Box } from '../data/mod.ts';

/** One connected component of a binary mask. */
export interface Component {
  /** (H, W): 1 on the component's pixels, 0 elsewhere. */
  readonly mask: Uint8Array;
  /** Its number of pixels (0 when the input mask is empty). */
  readonly area: number;
  /** Its bounding box [x0, y0, x1, y1], x1 and y1 exclusive; [0, 0, 0, 0] when empty. */
  readonly box: Box;
}

/**
 * The largest 8-connected component of the nonzero pixels of `mask` (H, W): pixels touching by an edge or a
 * corner belong together. Of components of equal area, the one reached first in row-major order wins.
 * @throws RangeError when the mask does not hold height × width values.
 * @example
 * const { mask, area, box } = largestComponent(foreground, 64, 64);
 */
export function largestComponent(mask: ArrayLike<number>, height: number, width: number): Component {
  const n = height * width;
  if (mask.length !== n) throw new RangeError(`largestComponent: the mask holds ${mask.length} values, not ${height}×${width}`);
  const label = new Int32Array(n); // 0: not yet reached; k > 0: component k
  const stack = new Int32Array(n);
  let best = 0;
  let bestArea = 0;
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (!mask[start] || label[start]) continue;
    const k = ++next;
    let area = 0;
    let top = 0;
    stack[top++] = start;
    label[start] = k;
    while (top > 0) {
      const p = stack[--top];
      area++;
      const y = Math.floor(p / width);
      const x = p - y * width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (mask[q] && !label[q]) {
            label[q] = k;
            stack[top++] = q;
          }
        }
      }
    }
    if (area > bestArea) {
      best = k;
      bestArea = area;
    }
  }
  const out = new Uint8Array(n);
  let [x0, y0, x1, y1] = [width, height, 0, 0];
  for (let p = 0; p < n; p++) {
    if (best === 0 || label[p] !== best) continue;
    out[p] = 1;
    const y = Math.floor(p / width);
    const x = p - y * width;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + 1);
    y1 = Math.max(y1, y + 1);
  }
  return { mask: out, area: bestArea, box: bestArea === 0 ? [0, 0, 0, 0] : [x0, y0, x1, y1] };
}
