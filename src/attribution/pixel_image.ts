/**
 * An 8-bit image as files and canvases hold it: rows top to bottom, channels interleaved, so pixel (y, x)
 * channel k is `data[(y * width + x) * channels + k]`. 1 channel is grey, 3 is RGB, 4 is RGBA (a canvas's
 * `ImageData`); the network never sees alpha.
 */
export interface PixelImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
  /** height × width × channels values in [0, 255] (a canvas's `ImageData.data` is a Uint8ClampedArray). */
  readonly data: Uint8Array | Uint8ClampedArray;
}
