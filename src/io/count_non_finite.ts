/**
 * How many of `data`'s values are NaN or ±Infinity: what a loader counts to refuse a model whose weights
 * would silently turn every map into NaN.
 */
export function countNonFinite(data: Float32Array): number {
  let count = 0;
  // x - x is 0 for every finite x and NaN for NaN and ±Infinity: one comparison a value.
  for (let i = 0; i < data.length; i++) if (data[i] - data[i] !== 0) count++;
  return count;
}
