import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PixelImage } from '../attribution/mod.ts';
import { decodePng } from './decode_png.ts';

/** An image read from a file, with the path it came from. */
export interface ImageFile {
  readonly path: string;
  readonly image: PixelImage;
}

/**
 * The PNG images named by `paths`, in order; a folder stands for the `.png` files in it, sorted by name.
 * @throws RangeError for a path that does not exist, a folder without PNG files, and the errors of `decodePng`.
 */
export function readImages(paths: readonly string[]): ImageFile[] {
  const files: string[] = [];
  for (const path of paths) {
    if (isFolder(path)) {
      const pngs = readdirSync(path).filter((name) => name.toLowerCase().endsWith('.png')).sort();
      if (pngs.length === 0) throw new RangeError(`the folder ${path} holds no .png files`);
      files.push(...pngs.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return files.map((path) => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new RangeError(code === 'ENOENT' ? `image ${path} does not exist` : `cannot read image ${path}: ${(error as Error).message}`);
    }
    return { path, image: decodePng(bytes, path) };
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
