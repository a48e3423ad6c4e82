import { hostLittleEndian } from './host_little_endian.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
// NumPy pads the header so that the data starts on a 64-byte boundary.
const ALIGN = 64;

/**
 * Serialises a float32 array as a NumPy `.npy` file, format version 1.0: dtype `<f4`, C order (row-major),
 * the given shape; `numpy.load` reads it back as it is.
 *
 * @throws RangeError when a shape entry is not a non-negative integer or the shape does not hold
 *   `data.length` values.
 * @example
 * const bytes = writeNpy(map, [height, width]); // np.load('map.npy').shape == (height, width)
 */
export function writeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  if (!shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new RangeError(`writeNpy: shape [${shape.join(', ')}] must be non-negative integers`);
  }
  const count = shape.reduce((product, size) => product * size, 1);
  if (count !== data.length) {
    throw new RangeError(`writeNpy: ${data.length} values but shape [${shape.join(', ')}] holds ${count}`);
  }
  // A Python tuple: (), (5,) or (2, 3).
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1; // magic, version, u16 length, dict, '\n'
  const headerLength = Math.ceil(unpadded / ALIGN) * ALIGN - MAGIC.length - 4;
  const out = new Uint8Array(MAGIC.length + 4 + headerLength + 4 * count);
  out.set(MAGIC, 0);
  out[6] = 1; // version 1.0
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, headerLength, true);
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + headerLength;
  if (hostLittleEndian) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), start);
  } else {
    for (let i = 0; i < count; i++) view.setFloat32(start + 4 * i, data[i], true);
  }
  return out;
}
