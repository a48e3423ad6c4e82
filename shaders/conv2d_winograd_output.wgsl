// Winograd convolution, step 3 of 3: the output transform Y = Aᵀ m A of every tile, plus the bias, for
// F(M×M, 3×3) with M = 2, 4 or 6 (A = M + 2 points).
// m: (A·A, KP, TP), the products of step 2  b: (K)  →  y: (N, K, OH, OW), each tile's M×M pixels
// (those inside the output; tiles are laid out as in conv2d_winograd_input).
// Aᵀ is Lavin & Gray's (2016): for M = 2 the rows (1, 1, 1, 0), (0, 1, −1, −1); for M = 4 those in
// a6; for M = 6 (points 0, ±1, ±2, ±½) those in a8. (The gradient to the input, which has no bias, passes zeros.)
// One invocation a (channel, tile) pair on a (tile column, tile row, plane) grid, as in
// conv2d_winograd_input: no lane divides, and every index is a constant.

override M: u32;
override ROWS: u32;

struct Params {
  k: u32, kp: u32, oh: u32, ow: u32,
  th: u32, tw: u32, t: u32, tp: u32,
  y_base: u32, m_base: u32, plane0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> m: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// What is stored for v = Aᵀ m A + bias (the fused epilogue, src/nn/epilogue.ts): 0 v; 1 max(v, 0), a ReLU
// above; the backward rule of a ReLU below whose output at the same index is r (mask, read from m_base):
// 2 gradient, v where r > 0; 3 deconvnet, v where v > 0; 4 guided, both; 0 elsewhere.
override EPILOGUE: u32 = 0u;
@group(0) @binding(4) var<storage, read> mask: array<f32>;

fn epilogue(v: f32, at: u32) -> f32 {
  if (EPILOGUE == 1u) { return max(v, 0.0); }
  if (EPILOGUE == 0u) { return v; }
  var keep = true;
  if (EPILOGUE != 3u) { keep = mask[p.m_base + at - p.y_base] > 0.0; }
  if (EPILOGUE != 2u) { keep = keep && v > 0.0; }
  return select(0.0, v, keep);
}

// Aᵀ applied to one column (or row) of 6 values, for M = 4.
fn a6(v: array<f32, 6>) -> array<f32, 4> {
  let s1 = v[1] + v[2];
  let d1 = v[1] - v[2];
  let s2 = v[3] + v[4];
  let d2 = v[3] - v[4];
  return array<f32, 4>(v[0] + s1 + s2, d1 + 2.0 * d2, s1 + 4.0 * s2, d1 + 8.0 * d2 + v[5]);
}

// Aᵀ applied to one column (or row) of 8 values, for M = 6: row j weighs the points ±1, ±2, ±½ by
// their j-th powers.
fn a8(v: array<f32, 8>) -> array<f32, 6> {
  let s1 = v[1] + v[2];
  let d1 = v[1] - v[2];
  let s2 = v[3] + v[4];
  let d2 = v[3] - v[4];
  let s3 = v[5] + v[6];
  let d3 = v[5] - v[6];
  return array<f32, 6>(v[0] + s1 + s2 + s3, d1 + 2.0 * d2 + 0.5 * d3, s1 + 4.0 * s2 + 0.25 * s3,
                       d1 + 8.0 * d2 + 0.125 * d3, s1 + 16.0 * s2 + 0.0625 * s3, d1 + 32.0 * d2 + 0.03125 * d3 + v[7]);
}

// Aᵀ applied to one column (or row) of 4 values, for M = 2.
fn a4(v: array<f32, 4>) -> array<f32, 2> {
  return array<f32, 2>(v[0] + v[1] + v[2], v[1] - v[2] - v[3]);
}

// Aᵀ down column `col` of the tile's 6×6 products (point ξ = 6r + col at m[ξ·step + first]).
fn column6(col: u32, first: u32, step: u32) -> array<f32, 4> {
  return a6(array<f32, 6>(m[col * step + first], m[(6u + col) * step + first], m[(12u + col) * step + first],
                          m[(18u + col) * step + first], m[(24u + col) * step + first], m[(30u + col) * step + first]));
}

fn column8(col: u32, first: u32, step: u32) -> array<f32, 6> {
  return a8(array<f32, 8>(m[col * step + first], m[(8u + col) * step + first], m[(16u + col) * step + first],
                          m[(24u + col) * step + first], m[(32u + col) * step + first], m[(40u + col) * step + first],
                          m[(48u + col) * step + first], m[(56u + col) * step + first]));
}

fn column4(col: u32, first: u32, step: u32) -> array<f32, 2> {
  return a4(array<f32, 4>(m[col * step + first], m[(4u + col) * step + first], m[(8u + col) * step + first],
                          m[(12u + col) * step + first]));
}

// Stores v at column ox of the output row that starts at `row`, where ox is inside the output.
fn put(row: u32, ox: u32, v: f32) {
  if (ox < p.ow) {
    let at = row + ox;
    y[at] = epilogue(v, at);
  }
}

// Stores output row oy0 + r of the tile (Aᵀ m A's row r, plus the bias b) where it is inside the output;
// `rows` is where row oy0 starts.
fn row4(r: u32, v: array<f32, 4>, oy0: u32, rows: u32, ox0: u32, b: f32) {
  if (oy0 + r >= p.oh) { return; }
  let at = rows + r * p.ow;
  put(at, ox0, v[0] + b);
  put(at, ox0 + 1u, v[1] + b);
  put(at, ox0 + 2u, v[2] + b);
  put(at, ox0 + 3u, v[3] + b);
}

fn row6(r: u32, v: array<f32, 6>, oy0: u32, rows: u32, ox0: u32, b: f32) {
  if (oy0 + r >= p.oh) { return; }
  let at = rows + r * p.ow;
  put(at, ox0, v[0] + b);
  put(at, ox0 + 1u, v[1] + b);
  put(at, ox0 + 2u, v[2] + b);
  put(at, ox0 + 3u, v[3] + b);
  put(at, ox0 + 4u, v[4] + b);
  put(at, ox0 + 5u, v[5] + b);
}

fn row2(r: u32, v: array<f32, 2>, oy0: u32, rows: u32, ox0: u32, b: f32) {
  if (oy0 + r >= p.oh) { return; }
  let at = rows + r * p.ow;
  put(at, ox0, v[0] + b);
  put(at, ox0 + 1u, v[1] + b);
}

@compute @workgroup_size(8, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tx = wid.x * 8u + lid.x;
  let ty = wid.y * ROWS + lid.y;
  if (tx >= p.tw || ty >= p.th) { return; }
  let plane = p.plane0 + wid.z;  // n · K + k within this run of images
  let n = plane / p.k;
  let k = plane - n * p.k;
  let step = p.kp * p.tp;
  let first = k * p.tp + (n * p.th + ty) * p.tw + tx;
  let b0 = bias[k];
  let oy0 = ty * M;
  let ox0 = tx * M;
  let rows = p.y_base + plane * p.oh * p.ow + oy0 * p.ow;
  if (M == 2u) {
    let e0 = column4(0u, first, step);
    let e1 = column4(1u, first, step);
    let e2 = column4(2u, first, step);
    let e3 = column4(3u, first, step);
    row2(0u, a4(array<f32, 4>(e0[0], e1[0], e2[0], e3[0])), oy0, rows, ox0, b0);
    row2(1u, a4(array<f32, 4>(e0[1], e1[1], e2[1], e3[1])), oy0, rows, ox0, b0);
    return;
  }
  if (M == 6u) {
    let e0 = column8(0u, first, step);
    let e1 = column8(1u, first, step);
    let e2 = column8(2u, first, step);
    let e3 = column8(3u, first, step);
    let e4 = column8(4u, first, step);
    let e5 = column8(5u, first, step);
    let e6 = column8(6u, first, step);
    let e7 = column8(7u, first, step);
    row6(0u, a8(array<f32, 8>(e0[0], e1[0], e2[0], e3[0], e4[0], e5[0], e6[0], e7[0])), oy0, rows, ox0, b0);
    row6(1u, a8(array<f32, 8>(e0[1], e1[1], e2[1], e3[1], e4[1], e5[1], e6[1], e7[1])), oy0, rows, ox0, b0);
    row6(2u, a8(array<f32, 8>(e0[2], e1[2], e2[2], e3[2], e4[2], e5[2], e6[2], e7[2])), oy0, rows, ox0, b0);
    row6(3u, a8(array<f32, 8>(e0[3], e1[3], e2[3], e3[3], e4[3], e5[3], e6[3], e7[3])), oy0, rows, ox0, b0);
    row6(4u, a8(array<f32, 8>(e0[4], e1[4], e2[4], e3[4], e4[4], e5[4], e6[4], e7[4])), oy0, rows, ox0, b0);
    row6(5u, a8(array<f32, 8>(e0[5], e1[5], e2[5], e3[5], e4[5], e5[5], e6[5], e7[5])), oy0, rows, ox0, b0);
    return;
  }
  let e0 = column6(0u, first, step);
  let e1 = column6(1u, first, step);
  let e2 = column6(2u, first, step);
  let e3 = column6(3u, first, step);
  let e4 = column6(4u, first, step);
  let e5 = column6(5u, first, step);
  row4(0u, a6(array<f32, 6>(e0[0], e1[0], e2[0], e3[0], e4[0], e5[0])), oy0, rows, ox0, b0);
  row4(1u, a6(array<f32, 6>(e0[1], e1[1], e2[1], e3[1], e4[1], e5[1])), oy0, rows, ox0, b0);
  row4(2u, a6(array<f32, 6>(e0[2], e1[2], e2[2], e3[2], e4[2], e5[2])), oy0, rows, ox0, b0);
  row4(3u, a6(array<f32, 6>(e0[3], e1[3], e2[3], e3[3], e4[3], e5[3])), oy0, rows, ox0, b0);
}
