import { extname } from 'node:path';

/**
 * The file for image `index` of `count` when one option names the output of a batch: the path itself for
 * a single image, otherwise the path with `-index` before its extension (map.png → map-0.png, map-1.png).
 */
export function outputName(path: string, index: number, count: number): string {
  if (count === 1) return path;
  const extension = extname(path);
  return `${path.slice(0, path.length - extension.length)}-${index}${extension}`;
}
