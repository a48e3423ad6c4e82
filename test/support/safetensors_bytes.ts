/**
 * A safetensors file built by hand, so that tests can write headers the writer never would: `header` is
 * serialised as JSON unless it is already a string, and `headerLength` (default: its byte length) lets a
 * test declare a length that lies.
 */
export function safetensorsBytes(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Little-endian bytes of 16-bit patterns (F16 or BF16 tensor data). */
export function uint16Bytes(bits: readonly number[]): Uint8Array {
  const out = new Uint8Array(2 * bits.length);
  const view = new DataView(out.buffer);
  bits.forEach((b, i) => view.setUint16(2 * i, b, true));
  return out;
}

/** Little-endian bytes of float32 values. */
export function float32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}
