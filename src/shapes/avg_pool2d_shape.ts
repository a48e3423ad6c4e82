/**
 * An average pool (ONNX AveragePool, floor mode): a `size`×`size` window moved by `stride` over x padded
 * with zeros by `pads` [top, left, bottom, right]; each output divides its window's sum by size² where
 * `countIncludePad`, else by the number of the window's elements inside x.
 * x: (n, c, h, w)  y: (n, c, ⌊(h + top + bottom − size)/stride⌋ + 1, ⌊(w + left + right − size)/stride⌋ + 1).
 */
export interface AvgPool2dShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly size: number;
  readonly stride: number;
  readonly pads: readonly [top: number, left: number, bottom: number, right: number];
  readonly countIncludePad: boolean;
}

/** The output's height and width. */
export function avgPool2dOutputSize(s: AvgPool2dShape): readonly [h: number, w: number] {
  const [top, left, bottom, right] = s.pads;
  return [Math.floor((s.h + top + bottom - s.size) / s.stride) + 1, Math.floor((s.w + left + right - s.size) / s.stride) + 1];
}
