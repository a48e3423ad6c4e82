import type { PixelImage } from '../src/mod.ts';
import { toModelChannels } from './to_model_channels.ts';

/**
 * A picture file (PNG, JPEG, …) as the model's input image: decoded by the browser without colour
 * management (as `deepinside` decodes a PNG), cropped to the model's aspect about its centre and resized
 * when its size differs, then made grey or RGB; `notes` says what was changed. An image of the model's
 * size is used pixel for pixel.
 */
export async function fitImage(file: Blob, width: number, height: number, channels: 1 | 3): Promise<{ image: PixelImage; notes: string[] }> {
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const notes: string[] = [];
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser cannot draw into a canvas, so it cannot read the image');
  if (bitmap.width === width && bitmap.height === height) {
    context.drawImage(bitmap, 0, 0);
  } else {
    // The widest centred crop of the model's aspect, so that nothing is stretched.
    const scale = Math.min(bitmap.width / width, bitmap.height / height);
    const [sw, sh] = [width * scale, height * scale];
    context.fillStyle = '#000';
    context.fillRect(0, 0, width, height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, (bitmap.width - sw) / 2, (bitmap.height - sh) / 2, sw, sh, 0, 0, width, height);
    const cropped = sw < bitmap.width - 0.5 || sh < bitmap.height - 0.5;
    notes.push(`resized from ${bitmap.width}×${bitmap.height} to the model's ${width}×${height}${cropped ? ', cropped about the centre' : ''}, transparency over black`);
  }
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  const { image, note } = toModelChannels({ width, height, channels: 4, data: rgba }, channels);
  if (note) notes.push(note);
  return { image, notes };
}
