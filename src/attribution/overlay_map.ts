import { checkMap, colormapColor, type ColormapName, mapScale } from './colormap.ts';
import type { PixelImage } from './pixel_image.ts';

/**
 * A map laid over the image it explains: each pixel (1 − opacity) · image + opacity · colour(map / max),
 * so that salient pixels light up and the rest keep the image, dimmed. Grey images are shown as grey RGB;
 * alpha is ignored. map: (H, W) of the image's size  →  an RGB image.
 * @example
 * const overlay = overlayMap(image, maps.subarray(0, h * w), 'inferno');
 */
export function overlayMap(image: PixelImage, map: ArrayLike<number>, name: ColormapName = 'grey', opacity = 0.5): PixelImage {
  const { width, height, channels, data } = image;
  checkMap(map, width, height);
  if (!(opacity >= 0 && opacity <= 1)) throw new RangeError(`overlayMap: opacity ${opacity} must be in [0, 1]`);
  const scale = mapScale(map);
  const out = new Uint8Array(3 * width * height);
  for (let p = 0; p < map.length; p++) {
    const colour = colormapColor(name, map[p] * scale);
    for (let k = 0; k < 3; k++) {
      const pixel = data[p * channels + (channels === 1 ? 0 : k)];
      out[3 * p + k] = Math.round((1 - opacity) * pixel + opacity * colour[k]);
    }
  }
  return { width, height, channels: 3, data: out };
}
