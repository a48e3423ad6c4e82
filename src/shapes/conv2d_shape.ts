/**
 * A convolution with a square `size`×`size` kernel, a `stride` on both axes (default 1) and zero padding:
 * `pads` [top, left, bottom, right] where given, else `pad` on every side.
 * x: (n, c, h, w)  weight: (k, c, size, size)  bias: (k)  y: (n, k, oh, ow) with
 * oh = ⌊(h + top + bottom − size)/stride⌋ + 1, ow = ⌊(w + left + right − size)/stride⌋ + 1.
 */
export interface Conv2dShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly k: number;
  readonly size: number;
  readonly pad: number;
  readonly stride?: number;
  readonly pads?: readonly [top: number, left: number, bottom: number, right: number];
}

/** The shape's padding [top, left, bottom, right]: `pads` where given, else `pad` on every side. */
export function conv2dPads(s: Conv2dShape): readonly [top: number, left: number, bottom: number, right: number] {
  return s.pads ?? [s.pad, s.pad, s.pad, s.pad];
}

/** The output's height and width (floor mode). */
export function conv2dOutputSize(s: Conv2dShape): readonly [h: number, w: number] {
  const [top, left, bottom, right] = conv2dPads(s);
  const stride = s.stride ?? 1;
  return [Math.floor((s.h + top + bottom - s.size) / stride) + 1, Math.floor((s.w + left + right - s.size) / stride) + 1];
}

/**
 * The shape with stride 1 and its one padding as `pad` (no `pads`) when it has stride 1 and the same
 * padding on every side, the shapes the direct 3×3 kernels and the weight gradient serve; else undefined.
 */
export function conv2dPlain(s: Conv2dShape): Conv2dShape | undefined {
  const [top, left, bottom, right] = conv2dPads(s);
  if ((s.stride ?? 1) !== 1 || left !== top || bottom !== top || right !== top) return undefined;
  return { n: s.n, c: s.c, h: s.h, w: s.w, k: s.k, size: s.size, pad: top };
}
