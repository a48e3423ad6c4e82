import type { PixelImage } from './pixel_image.ts';

/** The colour maps a saliency map can be drawn with; `grey` (white = salient) is the paper's. */
export const COLORMAP_NAMES = ['grey', 'inferno', 'viridis'] as const;
export type ColormapName = (typeof COLORMAP_NAMES)[number];

// Ten samples at t = 0, 1/9, …, 1 of matplotlib's perceptually uniform maps (van der Walt and Smith,
// released CC0), interpolated linearly between: at this spacing the result stays within a few levels of
// the 256-entry tables, which is below what a heat map shows.
const STOPS: Readonly<Record<Exclude<ColormapName, 'grey'>, readonly number[]>> = {
  inferno: [0x000004, 0x1b0c42, 0x4b0c6b, 0x781c6d, 0xa52c60, 0xcf4446, 0xed6925, 0xfb9a06, 0xf7d03c, 0xfcffa4],
  viridis: [0x440154, 0x482878, 0x3e4a89, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6dcd59, 0xb4de2c, 0xfde725],
};

/** The colour of t ∈ [0, 1] (clipped) under a colour map, as [r, g, b] in 0…255. */
export function colormapColor(name: ColormapName, t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t));
  if (name === 'grey') {
    const g = Math.round(255 * v);
    return [g, g, g];
  }
  const stops = STOPS[name];
  if (!stops) throw new RangeError(`no colour map "${name}"; known: ${COLORMAP_NAMES.join(', ')}`);
  const x = v * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [16, 8, 0].map((shift) => Math.round(((a >> shift) & 255) * (1 - f) + ((b >> shift) & 255) * f)) as [number, number, number];
}

/**
 * A map drawn as an image, scaled to its own maximum (the largest value becomes the top colour; a map that
 * is all zero stays at the bottom colour). map: (H, W) non-negative values, such as a saliency map →
 * a grey image for `grey`, RGB otherwise.
 * @example
 * const png = encodePng(colorizeMap(maps.subarray(0, h * w), w, h, 'inferno'));
 */
export function colorizeMap(map: ArrayLike<number>, width: number, height: number, name: ColormapName = 'grey'): PixelImage {
  checkMap(map, width, height);
  const scale = mapScale(map);
  if (name === 'grey') {
    return { width, height, channels: 1, data: Uint8Array.from(map, (m) => Math.round(255 * Math.min(1, m * scale))) };
  }
  const data = new Uint8Array(3 * map.length);
  for (let p = 0; p < map.length; p++) data.set(colormapColor(name, map[p] * scale), 3 * p);
  return { width, height, channels: 3, data };
}

/** Throws a RangeError unless `map` holds width × height values. */
export function checkMap(map: ArrayLike<number>, width: number, height: number): void {
  if (map.length !== width * height) {
    throw new RangeError(`map has ${map.length} values but ${height}×${width} (height×width) needs ${width * height}`);
  }
}

/** 1 / max over the map, or 0 for a map with no positive value. */
export function mapScale(map: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < map.length; i++) if (map[i] > largest) largest = map[i];
  return largest > 0 ? 1 / largest : 0;
}
