/** A batch of images or feature maps, (n, c, h, w), stored densely in that order. */
export interface ImageShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}
