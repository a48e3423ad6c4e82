import { drawText, GLYPH_HEIGHT, textWidth } from './bitmap_font.ts';
import type { PixelImage } from './pixel_image.ts';

/** One block of `titledStack`: a line of text, and the image under it (none for a heading). */
export interface TitledSection {
  readonly title: string;
  readonly image?: PixelImage;
  /** Whole-number size of the title's glyphs (default 1: 5×7 pixels of ink). */
  readonly scale?: number;
}

const MARGIN = 6;
const BACKGROUND = 255;
const INK = [0, 0, 0];

/**
 * Sections one under another on white, each its title in the built-in 5×7 font above its image, all
 * left-aligned with a 6-pixel margin: a contact sheet of rows such as `labelledGrid` draws. Grey images
 * are drawn as grey RGB; alpha is ignored. → an RGB image as wide as the widest title or image.
 * @example
 * const sheet = titledStack([{ title: 'model', scale: 2 }, { title: 'saliency maps', image: grid }]);
 */
export function titledStack(sections: readonly TitledSection[]): PixelImage {
  if (sections.length === 0) throw new RangeError('titledStack: no sections');
  for (const [i, { scale = 1 }] of sections.entries()) {
    if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`titledStack: section ${i} has scale ${scale}; it must be a whole number ≥ 1`);
  }
  const titleHeight = (scale: number) => GLYPH_HEIGHT * scale + 2;
  let width = 0;
  let height = MARGIN;
  for (const { title, image, scale = 1 } of sections) {
    width = Math.max(width, textWidth(title, scale), image?.width ?? 0);
    height += titleHeight(scale) + (image?.height ?? 0) + MARGIN;
  }
  width += 2 * MARGIN;
  const out: PixelImage = { width, height, channels: 3, data: new Uint8Array(3 * width * height).fill(BACKGROUND) };
  let top = MARGIN;
  for (const { title, image, scale = 1 } of sections) {
    drawText(out, title, MARGIN, top, INK, scale);
    top += titleHeight(scale);
    if (image) {
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const from = (y * image.width + x) * image.channels;
          const to = ((top + y) * width + MARGIN + x) * 3;
          for (let k = 0; k < 3; k++) out.data[to + k] = image.data[from + (image.channels === 1 ? 0 : k)];
        }
      }
      top += image.height;
    }
    top += MARGIN;
  }
  return out;
}
