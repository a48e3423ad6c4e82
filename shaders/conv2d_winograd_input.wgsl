// Winograd convolution, step 1 of 3: the input transform V = Bᵀ d B of every input tile, for
// F(M×M, 3×3) with M = 2, 4 or 6 (4×4, 6×6 or 8×8 tiles): A = M + 2 input rows and columns per tile.
// x: (N, C, H, W)  →  v: (A·A, C, TP), v[ξ, c, t] the ξ-th transformed value of channel c of tile t.
// Tile t = (n·TH + ty)·TW + tx covers output rows M·ty … M·ty + M − 1 and columns M·tx …; it reads
// input rows M·ty − pad … M·ty − pad + A − 1 (zero outside the image), stride 1. TP is the tile count
// T = N·TH·TW rounded up for the product kernel's vec4 loads; tiles t ≥ T are written as zeros so that
// the product reads finite numbers there.
// Bᵀ is Lavin & Gray's (2016): for M = 2 the rows (1, 0, −1, 0), (0, 1, 1, 0), (0, −1, 1, 0),
// (0, 1, 0, −1); for M = 4 (points 0, ±1, ±2) those in b6, for M = 6 (0, ±1, ±2, ±½) those in b8.
// src/reference/conv2d_winograd.ts holds the same matrices in float64, checked there against the
// plain convolution.
// One invocation a (channel, tile) pair on a (tile column, tile row, plane) grid: no lane divides
// (lavapipe divides lane by lane), every index is a constant, so nothing goes through a per-lane array,
// and each load is clamped into the image and then zeroed with a select instead of branched around.
// Against the flat index with five divisions, 35.2 → 29.6 ms at 64 channels × 224×224, F(4×4): the
// rest is the 36 loads and 36 stores a tile (bench/results/2026-12-03-lavapipe-kernel-notes.md).

override M: u32;
override ROWS: u32;

struct Params {
  c: u32, h: u32, w: u32, pad: u32,
  th: u32, tw: u32, t: u32, tp: u32,
  x_base: u32, plane0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;

// x at (row, column) of the plane starting at `plane`, or 0 outside the image.
fn at(plane: u32, row: i32, column: i32) -> f32 {
  let inside = row >= 0 && row < i32(p.h) && column >= 0 && column < i32(p.w);
  let r = u32(clamp(row, 0, i32(p.h) - 1));
  let c = u32(clamp(column, 0, i32(p.w) - 1));
  return select(0.0, x[plane + r * p.w + c], inside);
}

// Bᵀ applied to one column (or row) of 6 values, for M = 4.
fn b6(d: array<f32, 6>) -> array<f32, 6> {
  return array<f32, 6>(
    4.0 * d[0] - 5.0 * d[2] + d[4],
    -4.0 * (d[1] + d[2]) + d[3] + d[4],
    4.0 * (d[1] - d[2]) - d[3] + d[4],
    2.0 * (d[3] - d[1]) - d[2] + d[4],
    2.0 * (d[1] - d[3]) - d[2] + d[4],
    4.0 * d[1] - 5.0 * d[3] + d[5],
  );
}

// Bᵀ applied to one column (or row) of 8 values, for M = 6, its rows paired as (1, 2), (3, 4), (5, 6).
fn b8(d: array<f32, 8>) -> array<f32, 8> {
  let s12 = d[2] - 4.25 * d[4] + d[6];
  let t12 = d[1] - 4.25 * d[3] + d[5];
  let s34 = 0.25 * d[2] - 1.25 * d[4] + d[6];
  let t34 = 0.5 * d[1] - 2.5 * d[3] + 2.0 * d[5];
  let s56 = 4.0 * d[2] - 5.0 * d[4] + d[6];
  let t56 = 2.0 * d[1] - 2.5 * d[3] + 0.5 * d[5];
  return array<f32, 8>(
    d[0] - d[6] + 5.25 * (d[4] - d[2]),
    s12 + t12,
    s12 - t12,
    s34 + t34,
    s34 - t34,
    s56 + t56,
    s56 - t56,
    d[7] - d[1] + 5.25 * (d[3] - d[5]),
  );
}

// Bᵀ applied to one column (or row) of 4 values, for M = 2.
fn b4(d: array<f32, 4>) -> array<f32, 4> {
  return array<f32, 4>(d[0] - d[2], d[1] + d[2], d[2] - d[1], d[1] - d[3]);
}

fn column6(plane: u32, top: i32, ix: i32) -> array<f32, 6> {
  return b6(array<f32, 6>(at(plane, top, ix), at(plane, top + 1, ix), at(plane, top + 2, ix),
                          at(plane, top + 3, ix), at(plane, top + 4, ix), at(plane, top + 5, ix)));
}

fn column8(plane: u32, top: i32, ix: i32) -> array<f32, 8> {
  return b8(array<f32, 8>(at(plane, top, ix), at(plane, top + 1, ix), at(plane, top + 2, ix), at(plane, top + 3, ix),
                          at(plane, top + 4, ix), at(plane, top + 5, ix), at(plane, top + 6, ix), at(plane, top + 7, ix)));
}

fn column4(plane: u32, top: i32, ix: i32) -> array<f32, 4> {
  return b4(array<f32, 4>(at(plane, top, ix), at(plane, top + 1, ix), at(plane, top + 2, ix), at(plane, top + 3, ix)));
}

// Row r of Bᵀ d B from the columns e0 … e5 (each already Bᵀ d), stored at points 6r … 6r + 5.
fn row6(r: u32, e: array<f32, 6>, out: u32, step: u32) {
  let b = b6(e);
  let first = 6u * r * step + out;
  v[first] = b[0]; v[first + step] = b[1]; v[first + 2u * step] = b[2];
  v[first + 3u * step] = b[3]; v[first + 4u * step] = b[4]; v[first + 5u * step] = b[5];
}

fn row8(r: u32, e: array<f32, 8>, out: u32, step: u32) {
  let b = b8(e);
  let first = 8u * r * step + out;
  v[first] = b[0]; v[first + step] = b[1]; v[first + 2u * step] = b[2]; v[first + 3u * step] = b[3];
  v[first + 4u * step] = b[4]; v[first + 5u * step] = b[5]; v[first + 6u * step] = b[6]; v[first + 7u * step] = b[7];
}

fn row4(r: u32, e: array<f32, 4>, out: u32, step: u32) {
  let b = b4(e);
  let first = 4u * r * step + out;
  v[first] = b[0]; v[first + step] = b[1]; v[first + 2u * step] = b[2]; v[first + 3u * step] = b[3];
}

@compute @workgroup_size(8, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let plane = p.plane0 + wid.z;  // n · C + c within this run of images
  let n = plane / p.c;
  let c = plane - n * p.c;
  let step = p.c * p.tp;
  // The padding tiles T … TP − 1 of channel c, zeroed by the first group of its first image.
  if (n == 0u && wid.x == 0u && wid.y == 0u && lid.y == 0u && p.t + lid.x < p.tp) {
    for (var xi = 0u; xi < (M + 2u) * (M + 2u); xi++) { v[xi * step + c * p.tp + p.t + lid.x] = 0.0; }
  }
  let tx = wid.x * 8u + lid.x;
  let ty = wid.y * ROWS + lid.y;
  if (tx >= p.tw || ty >= p.th) { return; }
  let out = c * p.tp + (n * p.th + ty) * p.tw + tx;
  let base = p.x_base + plane * p.h * p.w;
  let top = i32(ty * M) - i32(p.pad);
  let left = i32(tx * M) - i32(p.pad);
  if (M == 2u) {
    let e0 = column4(base, top, left);
    let e1 = column4(base, top, left + 1);
    let e2 = column4(base, top, left + 2);
    let e3 = column4(base, top, left + 3);
    row4(0u, array<f32, 4>(e0[0], e1[0], e2[0], e3[0]), out, step);
    row4(1u, array<f32, 4>(e0[1], e1[1], e2[1], e3[1]), out, step);
    row4(2u, array<f32, 4>(e0[2], e1[2], e2[2], e3[2]), out, step);
    row4(3u, array<f32, 4>(e0[3], e1[3], e2[3], e3[3]), out, step);
    return;
  }
  if (M == 6u) {
    let e0 = column8(base, top, left);
    let e1 = column8(base, top, left + 1);
    let e2 = column8(base, top, left + 2);
    let e3 = column8(base, top, left + 3);
    let e4 = column8(base, top, left + 4);
    let e5 = column8(base, top, left + 5);
    let e6 = column8(base, top, left + 6);
    let e7 = column8(base, top, left + 7);
    row8(0u, array<f32, 8>(e0[0], e1[0], e2[0], e3[0], e4[0], e5[0], e6[0], e7[0]), out, step);
    row8(1u, array<f32, 8>(e0[1], e1[1], e2[1], e3[1], e4[1], e5[1], e6[1], e7[1]), out, step);
    row8(2u, array<f32, 8>(e0[2], e1[2], e2[2], e3[2], e4[2], e5[2], e6[2], e7[2]), out, step);
    row8(3u, array<f32, 8>(e0[3], e1[3], e2[3], e3[3], e4[3], e5[3], e6[3], e7[3]), out, step);
    row8(4u, array<f32, 8>(e0[4], e1[4], e2[4], e3[4], e4[4], e5[4], e6[4], e7[4]), out, step);
    row8(5u, array<f32, 8>(e0[5], e1[5], e2[5], e3[5], e4[5], e5[5], e6[5], e7[5]), out, step);
    row8(6u, array<f32, 8>(e0[6], e1[6], e2[6], e3[6], e4[6], e5[6], e6[6], e7[6]), out, step);
    row8(7u, array<f32, 8>(e0[7], e1[7], e2[7], e3[7], e4[7], e5[7], e6[7], e7[7]), out, step);
    return;
  }
  let e0 = column6(base, top, left);
  let e1 = column6(base, top, left + 1);
  let e2 = column6(base, top, left + 2);
  let e3 = column6(base, top, left + 3);
  let e4 = column6(base, top, left + 4);
  let e5 = column6(base, top, left + 5);
  row6(0u, array<f32, 6>(e0[0], e1[0], e2[0], e3[0], e4[0], e5[0]), out, step);
  row6(1u, array<f32, 6>(e0[1], e1[1], e2[1], e3[1], e4[1], e5[1]), out, step);
  row6(2u, array<f32, 6>(e0[2], e1[2], e2[2], e3[2], e4[2], e5[2]), out, step);
  row6(3u, array<f32, 6>(e0[3], e1[3], e2[3], e3[3], e4[3], e5[3]), out, step);
  row6(4u, array<f32, 6>(e0[4], e1[4], e2[4], e3[4], e4[4], e5[4]), out, step);
  row6(5u, array<f32, 6>(e0[5], e1[5], e2[5], e3[5], e4[5], e5[5]), out, step);
}
