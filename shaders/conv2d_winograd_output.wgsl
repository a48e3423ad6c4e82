// Winograd convolution, step 3 of 3: the output transform Y = Aᵀ m A of every tile, plus the bias, for
// F(M×M, 3×3) with M = 2 or 4 (A = M + 2 points).
// m: (A·A, KP, TP), the products of step 2  b: (K)  →  y: (N, K, OH, OW), each tile's M×M pixels
// (those inside the output; tiles are laid out as in conv2d_winograd_input).
// Aᵀ is Lavin & Gray's (2016): for M = 2 the rows (1, 1, 1, 0), (0, 1, −1, −1); for M = 4 those in
// output_1d. (The gradient to the input, which has no bias, passes zeros.)
// One invocation a (channel, tile) pair, tiles fastest.

override WG: u32;
override M: u32;

struct Params {
  k: u32, kp: u32, oh: u32, ow: u32,
  th: u32, tw: u32, t: u32, tp: u32,
  y_base: u32, m_base: u32,
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

// Aᵀ applied to one column (or row) of A values.
fn output_1d(v: array<f32, 6>) -> array<f32, 4> {
  if (M == 2u) {
    return array<f32, 4>(v[0] + v[1] + v[2], v[1] - v[2] - v[3], 0.0, 0.0);
  }
  let s1 = v[1] + v[2];
  let d1 = v[1] - v[2];
  let s2 = v[3] + v[4];
  let d2 = v[3] - v[4];
  return array<f32, 4>(v[0] + s1 + s2, d1 + 2.0 * d2, s1 + 4.0 * s2, d1 + 8.0 * d2 + v[5]);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.k * p.t) { return; }
  let t = i % p.t;
  let k = i / p.t;
  let a = M + 2u;
  let step = p.kp * p.tp;
  let first = k * p.tp + t;
  // e[r] = Aᵀ applied down column r of the tile's A×A values, then each row of e across.
  var e: array<array<f32, 6>, 4>;
  for (var col = 0u; col < a; col++) {
    var d: array<f32, 6>;
    for (var r = 0u; r < a; r++) { d[r] = m[(r * a + col) * step + first]; }
    let b = output_1d(d);
    for (var r = 0u; r < M; r++) { e[r][col] = b[r]; }
  }
  let b0 = bias[k];
  let per_image = p.th * p.tw;
  let n = t / per_image;
  let oy0 = ((t % per_image) / p.tw) * M;
  let ox0 = (t % p.tw) * M;
  let plane = p.y_base + (n * p.k + k) * p.oh * p.ow;
  for (var r = 0u; r < M; r++) {
    let row = output_1d(e[r]);
    if (oy0 + r >= p.oh) { break; }
    for (var col = 0u; col < M; col++) {
      if (ox0 + col < p.ow) {
        let at = plane + (oy0 + r) * p.ow + ox0 + col;
        y[at] = epilogue(row[col] + b0, at);
      }
    }
  }
}
