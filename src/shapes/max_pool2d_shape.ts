/** A 2×2 max-pool with stride 2 in floor mode (as PyTorch): x: (n, c, h, w)  y: (n, c, ⌊h/2⌋, ⌊w/2⌋). */
export interface MaxPool2dShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

/** The output's height and width. */
export function maxPool2dOutputSize(s: MaxPool2dShape): readonly [h: number, w: number] {
  return [Math.floor(s.h / 2), Math.floor(s.w / 2)];
}
