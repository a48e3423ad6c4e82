// Winograd convolution, step 1 of 3: the input transform V = Bᵀ d B of every input tile, for
// F(M×M, 3×3) with M = 2 (4×4 tiles) or M = 4 (6×6 tiles): A = M + 2 input rows and columns per tile.
// x: (N, C, H, W)  →  v: (A·A, C, TP), v[ξ, c, t] the ξ-th transformed value of channel c of tile t.
// Tile t = (n·TH + ty)·TW + tx covers output rows M·ty … M·ty + M − 1 and columns M·tx …; it reads
// input rows M·ty − pad … M·ty − pad + A − 1 (zero outside the image), stride 1. TP is the tile count
// T = N·TH·TW rounded up for the product kernel's vec4 loads; tiles t ≥ T are written as zeros so that
// the product reads finite numbers there.
// Bᵀ is Lavin & Gray's (2016): for M = 2 the rows (1, 0, −1, 0), (0, 1, 1, 0), (0, −1, 1, 0),
// (0, 1, 0, −1); for M = 4, with points 0, ±1, ±2, those in input_1d. src/reference/conv2d_winograd.ts
// holds the same matrices in float64, checked there against the plain convolution.
// One invocation a (channel, tile) pair, tiles fastest, so neighbouring lanes write neighbouring t.

override WG: u32;
override M: u32;

struct Params {
  c: u32, h: u32, w: u32, pad: u32,
  th: u32, tw: u32, t: u32, tp: u32,
  x_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;

// Bᵀ applied to one column (or row) of A values.
fn input_1d(d: array<f32, 6>) -> array<f32, 6> {
  if (M == 2u) {
    return array<f32, 6>(d[0] - d[2], d[1] + d[2], d[2] - d[1], d[1] - d[3], 0.0, 0.0);
  }
  return array<f32, 6>(
    4.0 * d[0] - 5.0 * d[2] + d[4],
    -4.0 * (d[1] + d[2]) + d[3] + d[4],
    4.0 * (d[1] - d[2]) - d[3] + d[4],
    2.0 * (d[3] - d[1]) - d[2] + d[4],
    2.0 * (d[1] - d[3]) - d[2] + d[4],
    4.0 * d[1] - 5.0 * d[3] + d[5],
  );
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.c * p.tp) { return; }
  let t = i % p.tp;
  let c = i / p.tp;
  let a = M + 2u;
  let out = c * p.tp + t;
  let step = p.c * p.tp;
  if (t >= p.t) {
    for (var xi = 0u; xi < a * a; xi++) { v[xi * step + out] = 0.0; }
    return;
  }
  let per_image = p.th * p.tw;
  let n = t / per_image;
  let ty = (t % per_image) / p.tw;
  let tx = t % p.tw;
  let plane = p.x_base + (n * p.c + c) * p.h * p.w;
  let top = i32(ty * M) - i32(p.pad);
  let left = i32(tx * M) - i32(p.pad);
  // e[r] = Bᵀ applied down column r of the tile, then each row of e across.
  var e: array<array<f32, 6>, 6>;
  for (var col = 0u; col < a; col++) {
    let ix = left + i32(col);
    var d = array<f32, 6>(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    if (ix >= 0 && ix < i32(p.w)) {
      for (var r = 0u; r < a; r++) {
        let iy = top + i32(r);
        if (iy >= 0 && iy < i32(p.h)) { d[r] = x[plane + u32(iy) * p.w + u32(ix)]; }
      }
    }
    let b = input_1d(d);
    for (var r = 0u; r < a; r++) { e[r][col] = b[r]; }
  }
  for (var r = 0u; r < a; r++) {
    let b = input_1d(e[r]);
    for (var col = 0u; col < a; col++) { v[(r * a + col) * step + out] = b[col]; }
  }
}
