import { FormatError, withFileName } from './format_error.ts';

/** An IDX array (the MNIST format): its dimensions and its unsigned bytes, row-major. */
export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/**
 * Parses an uncompressed IDX file of unsigned bytes: two zero bytes, the type code 0x08, the number of
 * dimensions, each dimension as a big-endian u32, then the data (MNIST images are magic 0x00000803,
 * shape [n, 28, 28]; labels 0x00000801, shape [n]). `data` is a view into `bytes`, not a copy.
 *
 * @throws FormatError naming the file (`name`, when given) and the problem: a gzip file not yet decompressed, a bad magic number, a type other
 *   than unsigned bytes, a file truncated in its dimensions or data, or trailing bytes.
 * @example
 * const labels = readIdx(gunzipped); labels.shape; // [60000]
 */
export function readIdx(bytes: Uint8Array, name?: string): IdxArray {
  return withFileName(name, () => parseIdx(bytes));
}

function parseIdx(bytes: Uint8Array): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new FormatError('idx', 'the file is gzip-compressed; decompress it first');
  }
  if (bytes.length < 4) {
    throw new FormatError('idx', `the file is ${bytes.length} bytes, shorter than the 4-byte magic number (truncated?)`);
  }
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new FormatError('idx', `magic number 0x${hex(magic)} must start with two zero bytes`);
  }
  if (bytes[2] !== 0x08) {
    throw new FormatError('idx', `magic number 0x${hex(magic)} has type 0x${hex(bytes[2], 2)}; only unsigned bytes (0x08) are read`);
  }
  const rank = bytes[3];
  if (rank === 0) {
    throw new FormatError('idx', `magic number 0x${hex(magic)} declares no dimensions`);
  }
  const dataStart = 4 + 4 * rank;
  if (bytes.length < dataStart) {
    throw new FormatError('idx',
      `the file is ${bytes.length} bytes but its ${rank} dimensions need ${dataStart} (truncated)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((product, size) => product * size, 1);
  const available = bytes.length - dataStart;
  if (available < count) {
    throw new FormatError('idx',
      `shape [${shape.join(', ')}] needs ${count} data bytes but only ${available} follow the header (truncated)`,
    );
  }
  if (available > count) {
    throw new FormatError('idx',
      `shape [${shape.join(', ')}] needs ${count} data bytes but ${available} follow the header; ` +
        `${available - count} trailing bytes`,
    );
  }
  return { shape, data: bytes.subarray(dataStart) };
}

function hex(value: number, digits = 8): string {
  return value.toString(16).padStart(digits, '0');
}
