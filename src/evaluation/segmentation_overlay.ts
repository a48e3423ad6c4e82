import type { PixelImage } from '../attribution/mod.ts';
import type { Box } from '../data/mod.ts';

/** The mask's tint and the box's colour: a saturated green that clutter rarely has. */
const MASK_COLOUR = [40, 230, 90] as const;
const BOX_COLOUR = [255, 40, 40] as const;

/**
 * A segmentation drawn over its image, as RGB: the mask's pixels tinted green (half and half), the rest
 * dimmed to 60%, and the box's one-pixel outline in red. Grey images are shown as grey RGB; alpha ignored.
 * mask: (H, W) of 0/1 of the image's size.
 * @throws RangeError when the mask does not have the image's size.
 */
export function segmentationOverlay(image: PixelImage, mask: ArrayLike<number>, box: Box): PixelImage {
  const { width, height, channels, data } = image;
  if (mask.length !== width * height) throw new RangeError(`segmentationOverlay: the mask holds ${mask.length} values, not ${height}×${width}`);
  const out = new Uint8Array(3 * width * height);
  for (let p = 0; p < mask.length; p++) {
    for (let k = 0; k < 3; k++) {
      const pixel = data[p * channels + (channels === 1 ? 0 : k)];
      out[3 * p + k] = mask[p] ? Math.round(0.5 * pixel + 0.5 * MASK_COLOUR[k]) : Math.round(0.6 * pixel);
    }
  }
  const [x0, y0, x1, y1] = box;
  if (x1 > x0 && y1 > y0) {
    const paint = (x: number, y: number) => {
      if (x < 0 || y < 0 || x >= width || y >= height) return;
      for (let k = 0; k < 3; k++) out[3 * (y * width + x) + k] = BOX_COLOUR[k];
    };
    for (let x = x0; x < x1; x++) {
      paint(x, y0);
      paint(x, y1 - 1);
    }
    for (let y = y0; y < y1; y++) {
      paint(x0, y);
      paint(x1 - 1, y);
    }
  }
  return { width, height, channels: 3, data: out };
}
