/**
 * A stride-1 convolution with a square `size`×`size` kernel and zero padding `pad`.
 * x: (n, c, h, w)  weight: (k, c, size, size)  bias: (k)  y: (n, k, h + 2·pad − size + 1, w + 2·pad − size + 1)
 */
export interface Conv2dShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly k: number;
  readonly size: number;
  readonly pad: number;
}

/** The output's height and width. */
export function conv2dOutputSize(s: Conv2dShape): readonly [h: number, w: number] {
  return [s.h + 2 * s.pad - s.size + 1, s.w + 2 * s.pad - s.size + 1];
}
