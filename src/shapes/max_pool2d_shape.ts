/**
 * A max-pool with a square `size`×`size` window (default 2), a `stride` on both axes (default 2) and
 * padding `pads` [top, left, bottom, right] (default none) that counts as −∞, in floor mode (as PyTorch
 * and ONNX with ceil_mode 0): x: (n, c, h, w)  y: (n, c, oh, ow) with
 * oh = ⌊(h + top + bottom − size)/stride⌋ + 1, ow = ⌊(w + left + right − size)/stride⌋ + 1.
 */
export interface MaxPool2dShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly size?: number;
  readonly stride?: number;
  readonly pads?: readonly [top: number, left: number, bottom: number, right: number];
}

/** The window size, stride and padding [top, left, bottom, right] with their defaults filled in. */
export function maxPool2dWindow(s: MaxPool2dShape): { size: number; stride: number; pads: readonly [number, number, number, number] } {
  return { size: s.size ?? 2, stride: s.stride ?? 2, pads: s.pads ?? [0, 0, 0, 0] };
}

/** The output's height and width. */
export function maxPool2dOutputSize(s: MaxPool2dShape): readonly [h: number, w: number] {
  const { size, stride, pads: [top, left, bottom, right] } = maxPool2dWindow(s);
  return [Math.floor((s.h + top + bottom - size) / stride) + 1, Math.floor((s.w + left + right - size) / stride) + 1];
}
