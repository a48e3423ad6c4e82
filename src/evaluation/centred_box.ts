import type { Box } from '../data/mod.ts';

/**
 * A box of `boxWidth` × `boxHeight` pixels (rounded to whole pixels, at most the image) centred in a
 * `width` × `height` image: [x0, y0, x1, y1], x1 and y1 exclusive.
 */
export function centredBox(height: number, width: number, boxHeight: number, boxWidth: number): Box {
  const bw = Math.min(width, Math.max(0, Math.round(boxWidth)));
  const bh = Math.min(height, Math.max(0, Math.round(boxHeight)));
  const x0 = Math.floor((width - bw) / 2);
  const y0 = Math.floor((height - bh) / 2);
  return [x0, y0, x0 + bw, y0 + bh];
}
