import { statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Throws a RangeError naming the option unless `path` can be written as a file: its folder exists and it is
 * not itself a folder. Commands call it for every output before they compute anything, so that a typo in
 * a path costs no GPU time.
 */
export function checkOutputPath(option: string, path: string): void {
  const folder = dirname(path);
  if (!isFolder(folder)) throw new RangeError(`${option} ${path}: the folder ${folder} does not exist`);
  if (isFolder(path)) throw new RangeError(`${option} ${path} is a folder; give a file name`);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
