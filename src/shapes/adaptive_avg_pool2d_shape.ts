/**
 * torchvision's AdaptiveAvgPool2d: x: (n, c, h, w)  y: (n, c, outH, outW); output cell i averages input
 * rows ⌊i·h/outH⌋ … ⌈(i+1)·h/outH⌉ − 1, and likewise for columns.
 */
export interface AdaptiveAvgPool2dShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly outH: number;
  readonly outW: number;
}

/** The input rows (or columns) [start, end) that output cell `i` of `out` averages over `size` inputs. */
export function adaptivePoolWindow(i: number, size: number, out: number): readonly [start: number, end: number] {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}
