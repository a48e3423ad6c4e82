/** IEEE 754 binary16 bits → the number they encode (subnormals, ±0, ±∞ and NaN included). */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  // Subnormal: no implicit leading 1, and the exponent stays at its minimum, 2^-14.
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * A number → the nearest binary16, as bits (round to nearest, ties to even, the way hardware and
 * PyTorch's `.half()` round): too large becomes ±∞, too small ±0 or a subnormal, NaN the quiet NaN 0x7e00.
 */
export function float32ToFloat16(value: number): number {
  // Round to float32 first, as a caller holding a Float32Array would have: double rounding from float64
  // straight to binary16 can differ in the last bit only at exact float32 ties, which this avoids.
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | (mantissa ? 0x7e00 : 0x7c00);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal or zero in binary16: shift the full significand (implicit 1 restored) into place.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mantissa & ((1 << shift) - 1);
    let bits = mantissa >>> shift;
    if (rest > half || (rest === half && (bits & 1))) bits++;
    // A carry out of the subnormal range lands exactly on the smallest normal, which is right.
    return sign | bits;
  }
  const rest = mantissa & 0x1fff;
  let bits = (e << 10) | (mantissa >>> 13);
  if (rest > 0x1000 || (rest === 0x1000 && (bits & 1))) bits++;
  // A carry through the exponent field rounds up to the next binade, or to ∞ from the largest finite.
  return sign | bits;
}
