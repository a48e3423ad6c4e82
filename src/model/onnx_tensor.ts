import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { float16ToFloat32 } from '../io/mod.ts';
import { onnxInt } from './onnx_int.ts';

const { DataType, DataLocation } = onnxProto.onnx.TensorProto;

/** A constant tensor of an ONNX file (an initializer or a Constant node's value), read into memory. */
export interface OnnxArray<T> {
  readonly dims: readonly number[];
  readonly values: T;
}

/**
 * The values of a float initializer or constant, FP32 (raw_data or float_data) or FP16 (raw_data or
 * int32_data, converted), as float32. `what` names it in errors (`initializer "conv1.weight"`).
 * The data's length is checked against the dims before anything is allocated by them.
 *
 * @throws RangeError for external data, another data type, or data whose length disagrees with the dims.
 */
export function onnxFloats(tensor: Onnx.ITensorProto, what: string): OnnxArray<Float32Array> {
  const dims = tensorDims(tensor, what);
  const count = product(dims);
  const type = tensor.dataType ?? DataType.UNDEFINED;
  const raw = tensor.rawData ?? new Uint8Array(0);
  if (type === DataType.FLOAT) {
    if (raw.length > 0) {
      expectBytes(raw, count, 4, dims, what);
      const values = new Float32Array(count);
      new Uint8Array(values.buffer).set(raw);
      return { dims, values: littleEndianFloats(values) };
    }
    const data = tensor.floatData ?? [];
    expectCount(data.length, count, 'float_data', dims, what);
    return { dims, values: Float32Array.from(data) };
  }
  if (type === DataType.FLOAT16) {
    const values = new Float32Array(count);
    if (raw.length > 0) {
      expectBytes(raw, count, 2, dims, what);
      for (let i = 0; i < count; i++) values[i] = float16ToFloat32(raw[2 * i] | (raw[2 * i + 1] << 8));
    } else {
      // ONNX keeps FP16 values not stored raw in int32_data, one 16-bit pattern per entry.
      const data = tensor.int32Data ?? [];
      expectCount(data.length, count, 'int32_data', dims, what);
      for (let i = 0; i < count; i++) values[i] = float16ToFloat32(data[i] & 0xffff);
    }
    return { dims, values };
  }
  throw new RangeError(`onnx: ${what} is ${typeName(type)}; deepinside reads float32 and float16 weights`);
}

/** The values of an int64 constant (a Reshape's shape), from raw_data or int64_data. */
export function onnxInts(tensor: Onnx.ITensorProto, what: string): OnnxArray<number[]> {
  const dims = tensorDims(tensor, what);
  const count = product(dims);
  const type = tensor.dataType ?? DataType.UNDEFINED;
  if (type !== DataType.INT64) throw new RangeError(`onnx: ${what} is ${typeName(type)}; an int64 tensor is needed`);
  const raw = tensor.rawData ?? new Uint8Array(0);
  if (raw.length > 0) {
    expectBytes(raw, count, 8, dims, what);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const value = view.getBigInt64(8 * i, true);
      if (BigInt(Number(value)) !== value || !Number.isSafeInteger(Number(value))) {
        throw new RangeError(`onnx: ${what}[${i}] is ${value}, not an integer deepinside can use`);
      }
      values.push(Number(value));
    }
    return { dims, values };
  }
  const data = tensor.int64Data ?? [];
  expectCount(data.length, count, 'int64_data', dims, what);
  return { dims, values: data.map((v, i) => onnxInt(v, `${what}[${i}]`)) };
}

function tensorDims(tensor: Onnx.ITensorProto, what: string): number[] {
  if (tensor.dataLocation === DataLocation.EXTERNAL || (tensor.externalData ?? []).length > 0) {
    const file = (tensor.externalData ?? []).find((entry) => entry.key === 'location')?.value;
    throw new RangeError(
      `onnx: ${what} is stored as external data${file ? ` (in "${file}")` : ''}; deepinside reads weights inline: ` +
        're-export with torch.onnx.export(...) (a model under 2 GB is written inline) or save with ' +
        'onnx.save(model, path, save_as_external_data=False)',
    );
  }
  if (tensor.segment) throw new RangeError(`onnx: ${what} is stored in segments, which deepinside does not read`);
  return (tensor.dims ?? []).map((d, i) => {
    const n = onnxInt(d, `${what} dimension ${i}`);
    if (n < 0) throw new RangeError(`onnx: ${what} has dimension ${i} of ${n}; the file is corrupt`);
    return n;
  });
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function expectBytes(raw: Uint8Array, count: number, size: number, dims: readonly number[], what: string): void {
  if (raw.length !== count * size) {
    throw new RangeError(
      `onnx: ${what} has ${count} values by its dims (${dims.join(', ')}) but raw_data holds ${raw.length} bytes, ` +
        `not ${count * size}; the file is truncated or corrupt`,
    );
  }
}

function expectCount(length: number, count: number, field: string, dims: readonly number[], what: string): void {
  if (length !== count) {
    throw new RangeError(
      `onnx: ${what} has ${count} values by its dims (${dims.join(', ')}) but ${field} holds ${length}; ` +
        'the file is truncated or corrupt',
    );
  }
}

/** ONNX raw data is little-endian; so is every platform Node and browsers run on, which this checks. */
function littleEndianFloats(values: Float32Array): Float32Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new RangeError('onnx: this platform is big-endian; reading raw_data here is not supported');
  }
  return values;
}

function typeName(type: number): string {
  const name = DataType[type];
  return name ? `of type ${name}` : `of unknown data type ${type}`;
}
