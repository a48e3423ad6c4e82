// Layout conversions between ours (PyTorch's: NCHW images, OIHW conv weights, (out, in) linear weights)
// and TensorFlow's (NHWC, HWIO, (in, out)). The peers convert once, outside anything timed.

/** (n, c, h, w) → (n, h, w, c). */
export function nchwToNhwc(values: ArrayLike<number>, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) out[(b * h * w + p) * c + ch] = values[(b * c + ch) * h * w + p];
    }
  }
  return out;
}

/** (n, h, w, c) → (n, c, h, w). */
export function nhwcToNchw(values: ArrayLike<number>, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) out[(b * c + ch) * h * w + p] = values[(b * h * w + p) * c + ch];
    }
  }
  return out;
}

/** A conv weight (k, c, r, s) → (r, s, c, k): TensorFlow's filter layout. */
export function oihwToHwio(values: ArrayLike<number>, k: number, c: number, r: number, s: number): Float32Array {
  const out = new Float32Array(k * c * r * s);
  for (let o = 0; o < k; o++) {
    for (let i = 0; i < c; i++) {
      for (let y = 0; y < r; y++) {
        for (let x = 0; x < s; x++) out[((y * s + x) * c + i) * k + o] = values[((o * c + i) * r + y) * s + x];
      }
    }
  }
  return out;
}

/** (r, s, c, k) → (k, c, r, s). */
export function hwioToOihw(values: ArrayLike<number>, k: number, c: number, r: number, s: number): Float32Array {
  const out = new Float32Array(k * c * r * s);
  for (let o = 0; o < k; o++) {
    for (let i = 0; i < c; i++) {
      for (let y = 0; y < r; y++) {
        for (let x = 0; x < s; x++) out[((o * c + i) * r + y) * s + x] = values[((y * s + x) * c + i) * k + o];
      }
    }
  }
  return out;
}

/**
 * Rows `from`..`to` of a linear weight (out, in), transposed to TensorFlow's (in, to − from).
 * `inputOrder[j]`, when given, is the PyTorch input feature that TensorFlow's input feature j is: a VGG's
 * first linear layer reads a map flattened in NHWC order instead of PyTorch's NCHW (see `nhwcFlattenOrder`).
 */
export function linearRowsToInOut(
  values: ArrayLike<number>,
  inFeatures: number,
  from: number,
  to: number,
  inputOrder?: ArrayLike<number>,
): Float32Array {
  const rows = to - from;
  const out = new Float32Array(inFeatures * rows);
  for (let o = 0; o < rows; o++) {
    const base = (from + o) * inFeatures;
    for (let j = 0; j < inFeatures; j++) out[j * rows + o] = values[base + (inputOrder ? inputOrder[j] : j)];
  }
  return out;
}

/**
 * For a (c, h, w) map flattened as NHWC, the NCHW index of each NHWC position: what a VGG's first
 * linear weight, written for PyTorch's flatten, must read at each TensorFlow input feature.
 */
export function nhwcFlattenOrder(c: number, h: number, w: number): Uint32Array {
  const order = new Uint32Array(c * h * w);
  for (let p = 0; p < h * w; p++) {
    for (let ch = 0; ch < c; ch++) order[p * c + ch] = ch * h * w + p;
  }
  return order;
}
