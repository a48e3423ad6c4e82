import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Temporary files being written, so that a signal handler can remove them (see removeTemporaryFiles).
const pending = new Set<string>();

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
  pending.add(temporary);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    pending.delete(temporary);
  }
}

/**
 * Removes the temporary files of writes still under way: what the command line's SIGINT and SIGTERM
 * handlers call before exiting, so that an interrupted command leaves no `.tmp` file behind.
 */
export function removeTemporaryFiles(): void {
  for (const temporary of pending) rmSync(temporary, { force: true });
  pending.clear();
}
