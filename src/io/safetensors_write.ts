import { hostLittleEndian } from './host_little_endian.ts';

/** A float32 tensor to write: row-major `data` of `product(shape)` values. */
export interface Float32Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Serialises float32 tensors as a safetensors file, in the map's order, with optional string metadata
 * under `__metadata__`. The header is padded with spaces to a multiple of 8 bytes, as the reference
 * implementation pads it, so that every tensor starts 8-byte aligned in the file and a reader can view
 * it without copying.
 *
 * @throws RangeError when a tensor's data length is not the product of its shape, or a shape entry is not a
 *   non-negative integer; TypeError when a metadata value is not a string or a tensor is named `__metadata__`.
 * @example
 * const bytes = writeSafetensors(new Map([['w', { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }]]));
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, Float32Tensor>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new TypeError(`writeSafetensors: metadata "${key}" is a ${typeof value}; values must be strings`);
      }
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    if (name === '__metadata__') {
      throw new TypeError('writeSafetensors: "__metadata__" is reserved and cannot name a tensor');
    }
    if (!shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
      throw new RangeError(
        `writeSafetensors: tensor "${name}" has shape [${shape.join(', ')}]; sizes must be non-negative integers`,
      );
    }
    const count = shape.reduce((product, size) => product * size, 1);
    if (count !== data.length) {
      throw new RangeError(
        `writeSafetensors: tensor "${name}" has ${data.length} values but shape [${shape.join(', ')}] holds ${count}`,
      );
    }
    // Defined as a property, so a tensor named "__proto__" is written like any other.
    Object.defineProperty(header, name, {
      value: { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + 4 * count] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const { data } of tensors.values()) {
    if (hostLittleEndian) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    } else {
      for (let i = 0; i < data.length; i++) view.setFloat32(position + 4 * i, data[i], true);
    }
    position += data.byteLength;
  }
  return out;
}
