import { FormatError, withFileName } from './format_error.ts';

/** A float32 array read from a `.npy` file: its shape and its values, row-major. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Parses a NumPy `.npy` file of little-endian float32 values (`<f4`), C order, format version 1, 2 or 3:
 * what `writeNpy` writes, and what `np.save(path, a.astype(np.float32))` writes on a little-endian
 * machine. The values are copied out of `bytes`.
 *
 * @throws FormatError naming the file (`name`, when given) and the problem: not an .npy file, a dtype other than little-endian float32, Fortran
 *   order, a header that does not parse, or data shorter or longer than the shape.
 * @example
 * const { shape, data } = readNpy(bytes);
 */
export function readNpy(bytes: Uint8Array, name?: string): NpyArray {
  return withFileName(name, () => parseNpy(bytes));
}

function parseNpy(bytes: Uint8Array): NpyArray {
  const magic = '\x93NUMPY';
  for (let i = 0; i < magic.length; i++) {
    if (bytes[i] !== magic.charCodeAt(i)) throw new FormatError('npy', 'not an .npy file (no \\x93NUMPY magic)');
  }
  if (bytes.length < 10) {
    throw new FormatError('npy', `the file is ${bytes.length} bytes, shorter than the 10-byte preamble (truncated)`);
  }
  const major = bytes[6];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new FormatError('npy', `format version ${major}.${bytes[7]} is not 1, 2 or 3`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) {
    throw new FormatError('npy', `the file is ${bytes.length} bytes, shorter than its ${8 + lengthBytes}-byte preamble (truncated)`);
  }
  const headerLength = lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes + headerLength;
  if (bytes.length < start) throw new FormatError('npy', `the file is ${bytes.length} bytes but its header ends at ${start} (truncated)`);
  const header = new TextDecoder().decode(bytes.subarray(8 + lengthBytes, start));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const tuple = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || tuple === undefined) {
    const shown = JSON.stringify(header.trim().slice(0, 80)) + (header.trim().length > 80 ? '...' : '');
    throw new FormatError('npy', `header ${shown} lacks descr, fortran_order or shape`);
  }
  if (descr !== '<f4') throw new FormatError('npy', `dtype ${descr.slice(0, 20)}; only little-endian float32 ('<f4') is read`);
  if (fortran === 'True') throw new FormatError('npy', 'Fortran-ordered arrays are not read; save with C order');
  const shape = tuple.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (!shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new FormatError('npy', `shape (${tuple.slice(0, 60)}${tuple.length > 60 ? '...' : ''}) is not a tuple of non-negative integers`);
  }
  const count = shape.reduce((product, size) => product * size, 1);
  if (bytes.length - start !== 4 * count) {
    throw new FormatError('npy', `shape (${shape.join(', ')}) needs ${4 * count} bytes of data but the file has ${bytes.length - start}`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(start + 4 * i, true);
  return { shape, data };
}
