import type { Box } from '../data/mod.ts';

/**
 * Intersection over union of two boxes [x0, y0, x1, y1] (x1, y1 exclusive, in pixels), the ILSVRC
 * localisation criterion (a box is correct at IoU ≥ 0.5). An empty box overlaps nothing: IoU 0.
 */
export function boxIou(a: Box, b: Box): number {
  const area = (box: Box) => Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
  const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const both = iw * ih;
  const union = area(a) + area(b) - both;
  return union === 0 ? 0 : both / union;
}
