import type { PixelImage } from '../src/mod.ts';

/**
 * An image of the model's size in the model's colour: grey (1 channel) or RGB (3), alpha dropped. A colour
 * image given to a grey model is converted to its luma (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B) and
 * the note says so; an image that is grey in content (R = G = B everywhere, as a canvas holds a grey PNG)
 * keeps its values exactly, so the page feeds the network what `deepinside` reads from the same file.
 * image: an RGBA canvas image, (H, W, 4).
 */
export function toModelChannels(image: PixelImage, channels: 1 | 3): { image: PixelImage; note?: string } {
  const { width, height, data } = image;
  const k = image.channels;
  const pixels = width * height;
  const out = new Uint8Array(pixels * channels);
  let grey = true;
  for (let p = 0; p < pixels && grey; p++) grey = k === 1 || (data[p * k] === data[p * k + 1] && data[p * k] === data[p * k + 2]);
  for (let p = 0; p < pixels; p++) {
    const [r, g, b] = k === 1 ? [data[p], data[p], data[p]] : [data[p * k], data[p * k + 1], data[p * k + 2]];
    if (channels === 1) out[p] = grey ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else out.set([r, g, b], p * 3);
  }
  const note =
    channels === 1 && !grey
      ? 'converted to grey (0.299 R + 0.587 G + 0.114 B), since this model reads one channel'
      : channels === 3 && grey
        ? 'a grey image: this colour model sees the same value in R, G and B'
        : undefined;
  return { image: { width, height, channels, data: out }, note };
}
