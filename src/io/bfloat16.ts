const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** bfloat16 bits → the number they encode: they are the top half of a float32, so this is exact. */
export function bfloat16ToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/**
 * A number → the nearest bfloat16, as bits (round to nearest, ties to even, as PyTorch's
 * `.bfloat16()` does): overflow becomes ±∞, NaN stays a quiet NaN.
 */
export function float32ToBfloat16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  // Truncating a NaN could clear every payload bit and leave ∞, so force the quiet bit instead.
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}
