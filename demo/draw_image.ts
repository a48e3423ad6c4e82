import type { PixelImage } from '../src/mod.ts';

/** Draws an image (grey, RGB or RGBA) into a canvas at its own size; CSS scales the canvas up. */
export function drawImage(canvas: HTMLCanvasElement, image: PixelImage): void {
  const { width, height, channels, data } = image;
  canvas.width = width;
  canvas.height = height;
  const rgba = new ImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) rgba.data[4 * p + k] = data[p * channels + (channels === 1 ? 0 : k)];
    rgba.data[4 * p + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(rgba, 0, 0);
}
