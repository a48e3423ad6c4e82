import { drawText, GLYPH_HEIGHT, GLYPH_WIDTH, printableText } from './bitmap_font.ts';
import type { PixelImage } from './pixel_image.ts';

/** Options of `labelledGrid`. */
export interface LabelledGridOptions {
  /** Tiles per row; by default the smallest count that makes the grid about square. */
  readonly columns?: number;
  /** Whole-number enlargement of every tile (nearest neighbour); by default enough to make a tile ≥ 96 px wide. */
  readonly scale?: number;
}

const GAP = 6;
const BACKGROUND = 255;
const INK = [0, 0, 0];
const MIN_TILE_WIDTH = 96;

/**
 * Images of one size side by side in rows, each with its label below in the built-in 5×7 font (cut short
 * with '..' when it does not fit the tile), on white: the figure of Simonyan et al. 2014 (figure 1)
 * for a whole model. Grey tiles are drawn as grey RGB. → an RGB image.
 * @example
 * const grid = labelledGrid(classImages, spec.labels);
 */
export function labelledGrid(tiles: readonly PixelImage[], labels: readonly string[], options: LabelledGridOptions = {}): PixelImage {
  if (tiles.length === 0) throw new RangeError('labelledGrid: no images');
  if (labels.length !== tiles.length) throw new RangeError(`labelledGrid: ${labels.length} labels for ${tiles.length} images`);
  const { width, height } = tiles[0];
  for (const [i, tile] of tiles.entries()) {
    if (tile.width !== width || tile.height !== height) {
      throw new RangeError(`labelledGrid: image ${i} is ${tile.height}×${tile.width} but image 0 is ${height}×${width}`);
    }
  }
  const columns = options.columns ?? Math.ceil(Math.sqrt(tiles.length));
  const scale = options.scale ?? Math.max(1, Math.ceil(MIN_TILE_WIDTH / width));
  if (!Number.isInteger(columns) || columns < 1 || !Number.isInteger(scale) || scale < 1) {
    throw new RangeError(`labelledGrid: columns ${columns} and scale ${scale} must be whole numbers ≥ 1`);
  }
  const rows = Math.ceil(tiles.length / columns);
  const tileWidth = width * scale;
  const cellWidth = tileWidth + GAP;
  const cellHeight = height * scale + GLYPH_HEIGHT + 2 + GAP;
  const out: PixelImage = {
    width: GAP + columns * cellWidth,
    height: GAP + rows * cellHeight,
    channels: 3,
    data: new Uint8Array(3 * (GAP + columns * cellWidth) * (GAP + rows * cellHeight)).fill(BACKGROUND),
  };
  const fit = Math.floor((tileWidth + 1) / GLYPH_WIDTH); // the last glyph needs no spacing after it
  for (const [i, tile] of tiles.entries()) {
    const left = GAP + (i % columns) * cellWidth;
    const top = GAP + Math.floor(i / columns) * cellHeight;
    for (let y = 0; y < height * scale; y++) {
      for (let x = 0; x < tileWidth; x++) {
        const from = (Math.floor(y / scale) * width + Math.floor(x / scale)) * tile.channels;
        const to = ((top + y) * out.width + left + x) * 3;
        for (let k = 0; k < 3; k++) out.data[to + k] = tile.data[from + (tile.channels === 1 ? 0 : k)];
      }
    }
    const label = printableText(labels[i]);
    const shown = label.length <= fit ? label : `${label.slice(0, Math.max(0, fit - 2))}..`.slice(0, fit);
    drawText(out, shown, left, top + height * scale + 2, INK);
  }
  return out;
}
