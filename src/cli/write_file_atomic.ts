import { randomBytes } from 'node:crypto';
import { rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` whole or not at all: to a temporary name beside it, then renamed over it, so a
 * reader never sees half a file and a failure leaves any earlier file as it was.
 * @throws RangeError when the folder does not exist, naming it.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const folder = dirname(path);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new RangeError(`cannot write ${path}: the folder ${folder} does not exist`);
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
