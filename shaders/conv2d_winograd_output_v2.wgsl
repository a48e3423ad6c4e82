// Winograd convolution, step 3 of 3, version 2: conv2d_winograd_output's F(4×4, 3×3) transform for four
// neighbouring tiles an invocation, read and written in vec4s, where the output width is a multiple of
// 16 (every tile row then splits into whole quads of tiles).
// m: (36, KP, TP)  b: (K)  →  y: (N, K, OH, OW), exactly as version 1 writes it, epilogue included.
// Why: as conv2d_winograd_input_v2, vec4 accesses cost lavapipe about 0.4 ns a float against a scalar's
// 0.58. Version 1 makes 36 scalar loads of m and 16 scalar stores (and 16 mask loads under a ReLU rule)
// a tile; here the four tiles' products at a point are one vec4 of m, and each of the quad's 4 output
// rows is 4 vec4 stores (and 4 vec4 mask loads).
// Invocation (quad column q, tile row ty, plane) on the grid of version 1, with x counting quads.

override ROWS: u32;

struct Params {
  k: u32, kp: u32, oh: u32, ow: u32,
  th: u32, tw: u32, t: u32, tp: u32,
  y_base: u32, m_base: u32, plane0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> m: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
// The fused epilogue, as in version 1: 0 none, 1 ReLU, 2 gradient, 3 deconvnet, 4 guided; the mask
// (read from m_base, at the same offset from it as y's from y_base) is used by 2 and 4.
override EPILOGUE: u32 = 0u;
@group(0) @binding(4) var<storage, read> mask: array<vec4f>;

// The epilogue of the 4 values stored at y's vec4 `at`.
fn epilogue(v: vec4f, at: u32) -> vec4f {
  if (EPILOGUE == 1u) { return max(v, vec4f(0.0)); }
  if (EPILOGUE == 0u) { return v; }
  var keep = vec4<bool>(true);
  if (EPILOGUE != 3u) { keep = mask[(p.m_base + 4u * at - p.y_base) / 4u] > vec4f(0.0); }
  if (EPILOGUE != 2u) { keep = keep & (v > vec4f(0.0)); }
  return select(vec4f(0.0), v, keep);
}

// Aᵀ applied to one column (or row) of 6 values, as in version 1.
fn a6(v: array<f32, 6>) -> array<f32, 4> {
  let s1 = v[1] + v[2];
  let d1 = v[1] - v[2];
  let s2 = v[3] + v[4];
  let d2 = v[3] - v[4];
  return array<f32, 4>(v[0] + s1 + s2, d1 + 2.0 * d2, s1 + 4.0 * s2, d1 + 8.0 * d2 + v[5]);
}

// Aᵀ g A of tile i (0 … 3) of the quad, g[ξ] holding the four tiles' products at point ξ: down the
// columns first, then along the rows, as version 1; output row r is elements 4·r … 4·r + 3.
fn tile(g: array<vec4f, 36>, i: u32) -> array<f32, 16> {
  let e0 = a6(array<f32, 6>(g[0][i], g[6][i], g[12][i], g[18][i], g[24][i], g[30][i]));
  let e1 = a6(array<f32, 6>(g[1][i], g[7][i], g[13][i], g[19][i], g[25][i], g[31][i]));
  let e2 = a6(array<f32, 6>(g[2][i], g[8][i], g[14][i], g[20][i], g[26][i], g[32][i]));
  let e3 = a6(array<f32, 6>(g[3][i], g[9][i], g[15][i], g[21][i], g[27][i], g[33][i]));
  let e4 = a6(array<f32, 6>(g[4][i], g[10][i], g[16][i], g[22][i], g[28][i], g[34][i]));
  let e5 = a6(array<f32, 6>(g[5][i], g[11][i], g[17][i], g[23][i], g[29][i], g[35][i]));
  let r0 = a6(array<f32, 6>(e0[0], e1[0], e2[0], e3[0], e4[0], e5[0]));
  let r1 = a6(array<f32, 6>(e0[1], e1[1], e2[1], e3[1], e4[1], e5[1]));
  let r2 = a6(array<f32, 6>(e0[2], e1[2], e2[2], e3[2], e4[2], e5[2]));
  let r3 = a6(array<f32, 6>(e0[3], e1[3], e2[3], e3[3], e4[3], e5[3]));
  return array<f32, 16>(
    r0[0], r0[1], r0[2], r0[3],
    r1[0], r1[1], r1[2], r1[3],
    r2[0], r2[1], r2[2], r2[3],
    r3[0], r3[1], r3[2], r3[3],
  );
}

// Stores output row oy0 + r of the quad (r = 0 … 3), where it is inside the output: tile i's 4 pixels,
// plus the bias, at y's vec4 `at` + i.
fn put_row(r: u32, oy0: u32, at: u32, t0: array<f32, 16>, t1: array<f32, 16>, t2: array<f32, 16>, t3: array<f32, 16>, b: vec4f) {
  if (oy0 + r >= p.oh) { return; }
  let j = 4u * r;
  y[at] = epilogue(vec4f(t0[j], t0[j + 1u], t0[j + 2u], t0[j + 3u]) + b, at);
  y[at + 1u] = epilogue(vec4f(t1[j], t1[j + 1u], t1[j + 2u], t1[j + 3u]) + b, at + 1u);
  y[at + 2u] = epilogue(vec4f(t2[j], t2[j + 1u], t2[j + 2u], t2[j + 3u]) + b, at + 2u);
  y[at + 3u] = epilogue(vec4f(t3[j], t3[j + 1u], t3[j + 2u], t3[j + 3u]) + b, at + 3u);
}

@compute @workgroup_size(8, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let q = wid.x * 8u + lid.x;
  let ty = wid.y * ROWS + lid.y;
  if (q >= p.tw / 4u || ty >= p.th) { return; }
  let plane = p.plane0 + wid.z;  // n · K + k within this run of images
  let n = plane / p.k;
  let k = plane - n * p.k;
  let step = p.kp * p.tp / 4u;
  let first = (k * p.tp + (n * p.th + ty) * p.tw) / 4u + q;
  let g = array<vec4f, 36>(
    m[first + 0u * step], m[first + 1u * step], m[first + 2u * step], m[first + 3u * step], m[first + 4u * step], m[first + 5u * step],
    m[first + 6u * step], m[first + 7u * step], m[first + 8u * step], m[first + 9u * step], m[first + 10u * step], m[first + 11u * step],
    m[first + 12u * step], m[first + 13u * step], m[first + 14u * step], m[first + 15u * step], m[first + 16u * step], m[first + 17u * step],
    m[first + 18u * step], m[first + 19u * step], m[first + 20u * step], m[first + 21u * step], m[first + 22u * step], m[first + 23u * step],
    m[first + 24u * step], m[first + 25u * step], m[first + 26u * step], m[first + 27u * step], m[first + 28u * step], m[first + 29u * step],
    m[first + 30u * step], m[first + 31u * step], m[first + 32u * step], m[first + 33u * step], m[first + 34u * step], m[first + 35u * step],
  );
  let t0 = tile(g, 0u);
  let t1 = tile(g, 1u);
  let t2 = tile(g, 2u);
  let t3 = tile(g, 3u);
  let b = vec4f(bias[k]);
  let oy0 = ty * 4u;
  let rows = (p.y_base + plane * p.oh * p.ow + oy0 * p.ow) / 4u + 4u * q;
  let row4 = p.ow / 4u;
  put_row(0u, oy0, rows, t0, t1, t2, t3, b);
  put_row(1u, oy0, rows + row4, t0, t1, t2, t3, b);
  put_row(2u, oy0, rows + 2u * row4, t0, t1, t2, t3, b);
  put_row(3u, oy0, rows + 3u * row4, t0, t1, t2, t3, b);
}
