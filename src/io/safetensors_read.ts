import { bfloat16ToFloat32 } from './bfloat16.ts';
import { float16ToFloat32 } from './float16.ts';
import { FormatError, withFileName } from './format_error.ts';
import { hostLittleEndian } from './host_little_endian.ts';

/** One tensor of a safetensors file, widened to float32. */
export interface SafetensorsTensor {
  /** The dtype stored in the file: `F32`, `F16` or `BF16`. */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Row-major, `product(shape)` values. */
  readonly data: Float32Array;
}

/** A parsed safetensors file: its tensors in the order of their bytes, and its `__metadata__`. */
export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Bytes per element of every dtype the format defines, so that the rest can be named when refused. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};
const READABLE = ['F32', 'F16', 'BF16'];
/** The reference reader's limit on the JSON header (safetensors' MAX_HEADER_SIZE). */
const MAX_HEADER_BYTES = 100_000_000;

interface Entry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Parses a safetensors file: an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {key: value}}`, then the tensors'
 * bytes, offsets counted from the end of the header. F32, F16 and BF16 tensors are read (the half types
 * widened exactly); any other dtype is refused. The whole file is checked first, as the reference
 * implementation checks it: the tensors must tile the data region exactly, without gaps or overlaps.
 *
 * F32 tensors whose bytes are 4-byte aligned are views into `bytes`, not copies (a VGG-16 is 528 MB),
 * so changing `bytes` afterwards changes them.
 *
 * A name, when given, is how errors name the file. The header is at most 100 MB (the reference reader's
 * limit); nothing is allocated in proportion to a size the file merely claims.
 *
 * @throws FormatError naming the file and the problem: a file too short or truncated, a header that is not JSON, a tensor
 *   whose offsets are reversed, out of range, overlapping or of the wrong length, an unsupported dtype.
 * @example
 * const file = readSafetensors(new Uint8Array(await (await fetch('vgg16.safetensors')).arrayBuffer()));
 * file.tensors.get('features.0.weight')?.shape; // [64, 3, 3, 3]
 */
export function readSafetensors(bytes: Uint8Array, name?: string): SafetensorsFile {
  return withFileName(name, () => parseSafetensors(bytes));
}

function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) {
    throw new FormatError('safetensors', `the file is ${bytes.length} bytes, shorter than the 8-byte header length (truncated?)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) {
    throw new FormatError('safetensors',
      `the header length ${declared} runs past the end of the ${bytes.length}-byte file (truncated?)`,
    );
  }
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new FormatError('safetensors', `the header length ${declared} is over the format's limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const headerLength = Number(declared);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const entries = parseHeader(bytes.subarray(8, dataStart));
  const metadata = entries.metadata;

  for (const entry of entries.tensors) checkEntry(entry, dataLength);
  // Sorting by offset turns "no overlap, no gap, nothing left over" into neighbour comparisons.
  const sorted = [...entries.tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const entry of sorted) {
    if (entry.begin < covered) {
      const other = sorted.find((e) => e !== entry && e.begin < entry.end && entry.begin < e.end);
      throw new FormatError('safetensors',
        `header lies about offsets: tensor ${quote(entry.name)} [${entry.begin}, ${entry.end}) overlaps ` +
          `${quote(other?.name)} [${other?.begin}, ${other?.end})`,
      );
    }
    if (entry.begin > covered) {
      throw new FormatError('safetensors',
        `header lies about offsets: data bytes [${covered}, ${entry.begin}) before tensor ` +
          `${quote(entry.name)} belong to no tensor`,
      );
    }
    covered = entry.end;
  }
  if (covered !== dataLength) {
    throw new FormatError('safetensors',
      `the tensors cover ${covered} data bytes but ${dataLength} follow the header; ` +
        `${dataLength - covered} trailing bytes belong to no tensor`,
    );
  }

  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of sorted) {
    const data = decode(bytes, dataStart + entry.begin, dataStart + entry.end, entry.dtype);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data });
  }
  return { tensors, metadata };
}

function parseHeader(header: Uint8Array): { tensors: Entry[]; metadata: Readonly<Record<string, string>> } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(header);
  } catch {
    throw new FormatError('safetensors', `the ${header.length}-byte header is not valid UTF-8`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError('safetensors', `the header is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(json)) {
    throw new FormatError('safetensors', `the header must be a JSON object, not ${describe(json)}`);
  }
  let metadata: Readonly<Record<string, string>> = {};
  const tensors: Entry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(value);
    } else {
      tensors.push(parseEntry(name, value));
    }
  }
  return { tensors, metadata };
}

function parseMetadata(value: unknown): Readonly<Record<string, string>> {
  if (!isObject(value)) {
    throw new FormatError('safetensors', `__metadata__ must be an object of strings, not ${describe(value)}`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new FormatError('safetensors', `__metadata__ ${quote(key)} is ${describe(item)}; metadata values must be strings`);
    }
  }
  // fromEntries defines properties, so a key named "__proto__" stays a plain key.
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

function parseEntry(name: string, value: unknown): Entry {
  if (!isObject(value)) {
    throw new FormatError('safetensors', `tensor ${quote(name)} must be described by an object, not ${describe(value)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof dtype !== 'string') {
    throw new FormatError('safetensors', `tensor ${quote(name)} has dtype ${describe(dtype)}; it must be a string such as "F32"`);
  }
  if (!READABLE.includes(dtype)) {
    const known = dtype in DTYPE_BYTES ? '' : ' (not a safetensors dtype)';
    throw new FormatError('safetensors',
      `tensor ${quote(name)} has dtype ${dtype.length > 20 ? quote(dtype) : dtype}${known}; only ${READABLE.join(', ')} can be read`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new FormatError('safetensors',
      `tensor ${quote(name)} has shape ${describe(shape)}; it must be a list of non-negative integers`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new FormatError('safetensors',
      `tensor ${quote(name)} has data_offsets ${describe(offsets)}; they must be [begin, end], ` +
        `non-negative integers`,
    );
  }
  return { name, dtype, shape: shape as number[], begin: offsets[0] as number, end: offsets[1] as number };
}

function checkEntry(entry: Entry, dataLength: number): void {
  const { name, dtype, shape, begin, end } = entry;
  if (begin > end) {
    throw new FormatError('safetensors', `header lies about offsets: tensor ${quote(name)} has reversed data_offsets [${begin}, ${end}]`);
  }
  if (end > dataLength) {
    throw new FormatError('safetensors',
      `tensor ${quote(name)} data_offsets [${begin}, ${end}] are out of range: only ${dataLength} data bytes ` +
        `follow the header (truncated file, or a header that lies about offsets)`,
    );
  }
  const needed = shape.reduce((product, size) => product * size, 1) * DTYPE_BYTES[dtype];
  if (end - begin !== needed) {
    throw new FormatError('safetensors',
      `header lies about offsets: tensor ${quote(name)} spans ${end - begin} bytes but ` +
        `${dtype} [${shape.slice(0, 8).join(', ')}${shape.length > 8 ? ', ...' : ''}] needs ${needed}`,
    );
  }
}

function decode(bytes: Uint8Array, begin: number, end: number, dtype: string): Float32Array {
  const absolute = bytes.byteOffset + begin;
  if (dtype === 'F32') {
    if (hostLittleEndian && absolute % 4 === 0) return new Float32Array(bytes.buffer, absolute, (end - begin) / 4);
    // A copy, as the offset is not 4-byte aligned (a header not padded to 8 bytes, which the format allows).
    // Uint8Array's slice, not the argument's own: a Node Buffer's slice is a view into the same memory.
    if (hostLittleEndian) return new Float32Array(Uint8Array.prototype.slice.call(bytes, begin, end).buffer);
  }
  const view = new DataView(bytes.buffer, absolute, end - begin);
  const size = DTYPE_BYTES[dtype];
  const out = new Float32Array((end - begin) / size);
  if (dtype === 'F32') {
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  } else {
    const table = dtype === 'F16' ? float16Table() : bfloat16Table();
    for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(2 * i, true)];
  }
  return out;
}

// Every 16-bit pattern widened once (256 KiB each), so that a half-precision VGG's 138 M weights cost a
// table lookup each rather than a call.
let f16Table: Float32Array | undefined;
let bf16Table: Float32Array | undefined;
function float16Table(): Float32Array {
  f16Table ??= Float32Array.from({ length: 0x10000 }, (_, bits) => float16ToFloat32(bits));
  return f16Table;
}
function bfloat16Table(): Float32Array {
  bf16Table ??= Float32Array.from({ length: 0x10000 }, (_, bits) => bfloat16ToFloat32(bits));
  return bf16Table;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** A name from the file, quoted, and cut short: a header may hold a megabyte-long name. */
function quote(name: string | undefined): string {
  const text = JSON.stringify(name ?? '');
  return text.length > 50 ? `${text.slice(0, 46)}..."` : text;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // Nesting deep enough to exhaust the stack: JSON.parse reads it, JSON.stringify cannot write it back.
    text = Array.isArray(value) ? '[...]' : '{...}';
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
