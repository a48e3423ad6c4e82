/** An int64 field as protobufjs hands it over: a number, or a `Long` where the `long` package is present. */
export type OnnxInt = number | { readonly low: number; readonly high: number; readonly unsigned?: boolean };

/**
 * An ONNX int64 as a JavaScript number, or a one-line RangeError naming `what` when it is not a safe
 * integer (a corrupt file can claim any 64-bit value; nothing is sized by one that does not fit).
 */
export function onnxInt(value: OnnxInt | null | undefined, what: string): number {
  let n: number;
  if (value === null || value === undefined) n = 0;
  else if (typeof value === 'number') n = value;
  else {
    const low = value.low >>> 0;
    const high = value.unsigned ? value.high >>> 0 : value.high | 0;
    n = high * 0x100000000 + low;
  }
  if (!Number.isSafeInteger(n)) throw new RangeError(`onnx: ${what} is ${n}, not an integer deepinside can use`);
  return n;
}
