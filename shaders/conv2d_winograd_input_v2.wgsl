// Winograd convolution, step 1 of 3, version 2: conv2d_winograd_input's F(4×4, 3×3) transform for four
// neighbouring tiles an invocation, read and written in vec4s, where the input is padded by 1 and its
// width is a multiple of 16 (every tile row then splits into whole quads of tiles).
// x: (N, C, H, W)  →  v: (36, C, TP) exactly as version 1 writes it (tiles past T zeroed).
// Why: on lavapipe every storage access costs a per-lane loop over its components, and a vec4 costs
// about 0.4 ns a float against a scalar's 0.58 (bench/results/2026-12-04-lavapipe-kernel-notes.md).
// Version 1 makes 36 scalar loads and 36 scalar stores a tile; here a quad's 6 input rows are 4 vec4s
// and 2 scalars each (18 columns, 16·q − 1 … 16·q + 16), and each of the 36 points is one vec4 store
// of the four tiles' values, which sit side by side in v.
// Invocation (quad column q, tile row ty, plane) on the grid of version 1, with x counting quads.

override ROWS: u32;

struct Params {
  c: u32, h: u32, w: u32, pad: u32,
  th: u32, tw: u32, t: u32, tp: u32,
  x_base: u32, plane0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> v: array<vec4f>;

// Bᵀ applied to one column (or row) of 6 values, as in version 1.
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

// Input row `row` (zeros outside the image) at columns 16·q − 1 … 16·q + 16 of the plane whose first
// vec4 is `plane4`; the columns −1 and W are zeros.
fn quad_row(plane4: u32, row: i32, q: u32) -> array<f32, 18> {
  let inside = row >= 0 && row < i32(p.h);
  let w4 = p.w / 4u;
  let at = plane4 + u32(clamp(row, 0, i32(p.h) - 1)) * w4 + 4u * q;
  let first = q == 0u;
  let last = 4u * q + 4u >= w4;
  let a = select(vec4f(0.0), x[at], inside);
  let b = select(vec4f(0.0), x[at + 1u], inside);
  let c = select(vec4f(0.0), x[at + 2u], inside);
  let d = select(vec4f(0.0), x[at + 3u], inside);
  let left = select(x[select(at - 1u, at, first)].w, 0.0, first || !inside);
  let right = select(x[select(at + 4u, at, last)].x, 0.0, last || !inside);
  return array<f32, 18>(left, a.x, a.y, a.z, a.w, b.x, b.y, b.z, b.w, c.x, c.y, c.z, c.w, d.x, d.y, d.z, d.w, right);
}

// Bᵀ d B of tile i (0 … 3) of the quad, whose 6×6 input d is columns 4·i … 4·i + 5 of the quad's rows;
// point ξ = 6·row + column.
fn tile(d: array<array<f32, 18>, 6>, i: u32) -> array<f32, 36> {
  let j = 4u * i;
  let e0 = b6(array<f32, 6>(d[0][j + 0u], d[1][j + 0u], d[2][j + 0u], d[3][j + 0u], d[4][j + 0u], d[5][j + 0u]));
  let e1 = b6(array<f32, 6>(d[0][j + 1u], d[1][j + 1u], d[2][j + 1u], d[3][j + 1u], d[4][j + 1u], d[5][j + 1u]));
  let e2 = b6(array<f32, 6>(d[0][j + 2u], d[1][j + 2u], d[2][j + 2u], d[3][j + 2u], d[4][j + 2u], d[5][j + 2u]));
  let e3 = b6(array<f32, 6>(d[0][j + 3u], d[1][j + 3u], d[2][j + 3u], d[3][j + 3u], d[4][j + 3u], d[5][j + 3u]));
  let e4 = b6(array<f32, 6>(d[0][j + 4u], d[1][j + 4u], d[2][j + 4u], d[3][j + 4u], d[4][j + 4u], d[5][j + 4u]));
  let e5 = b6(array<f32, 6>(d[0][j + 5u], d[1][j + 5u], d[2][j + 5u], d[3][j + 5u], d[4][j + 5u], d[5][j + 5u]));
  let r0 = b6(array<f32, 6>(e0[0], e1[0], e2[0], e3[0], e4[0], e5[0]));
  let r1 = b6(array<f32, 6>(e0[1], e1[1], e2[1], e3[1], e4[1], e5[1]));
  let r2 = b6(array<f32, 6>(e0[2], e1[2], e2[2], e3[2], e4[2], e5[2]));
  let r3 = b6(array<f32, 6>(e0[3], e1[3], e2[3], e3[3], e4[3], e5[3]));
  let r4 = b6(array<f32, 6>(e0[4], e1[4], e2[4], e3[4], e4[4], e5[4]));
  let r5 = b6(array<f32, 6>(e0[5], e1[5], e2[5], e3[5], e4[5], e5[5]));
  return array<f32, 36>(
    r0[0], r0[1], r0[2], r0[3], r0[4], r0[5],
    r1[0], r1[1], r1[2], r1[3], r1[4], r1[5],
    r2[0], r2[1], r2[2], r2[3], r2[4], r2[5],
    r3[0], r3[1], r3[2], r3[3], r3[4], r3[5],
    r4[0], r4[1], r4[2], r4[3], r4[4], r4[5],
    r5[0], r5[1], r5[2], r5[3], r5[4], r5[5],
  );
}

// Stores row r (0 … 5) of the four tiles' transforms, points 6·r … 6·r + 5, one vec4 a point.
fn put_row(r: u32, out: u32, step: u32, t0: array<f32, 36>, t1: array<f32, 36>, t2: array<f32, 36>, t3: array<f32, 36>) {
  let j = 6u * r;
  v[out + j * step] = vec4f(t0[j], t1[j], t2[j], t3[j]);
  v[out + (j + 1u) * step] = vec4f(t0[j + 1u], t1[j + 1u], t2[j + 1u], t3[j + 1u]);
  v[out + (j + 2u) * step] = vec4f(t0[j + 2u], t1[j + 2u], t2[j + 2u], t3[j + 2u]);
  v[out + (j + 3u) * step] = vec4f(t0[j + 3u], t1[j + 3u], t2[j + 3u], t3[j + 3u]);
  v[out + (j + 4u) * step] = vec4f(t0[j + 4u], t1[j + 4u], t2[j + 4u], t3[j + 4u]);
  v[out + (j + 5u) * step] = vec4f(t0[j + 5u], t1[j + 5u], t2[j + 5u], t3[j + 5u]);
}

@compute @workgroup_size(8, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let plane = p.plane0 + wid.z;  // n · C + c within this run of images
  let n = plane / p.c;
  let c = plane - n * p.c;
  let step = p.c * p.tp / 4u;
  // The padding tiles T … TP − 1 of channel c (none or one quad: T is a multiple of 4), zeroed by the
  // first invocation of its first image.
  if (n == 0u && wid.x == 0u && wid.y == 0u && lid.x == 0u && lid.y == 0u && p.t < p.tp) {
    for (var xi = 0u; xi < 36u; xi++) { v[xi * step + (c * p.tp + p.t) / 4u] = vec4f(0.0); }
  }
  let q = wid.x * 8u + lid.x;
  let ty = wid.y * ROWS + lid.y;
  if (q >= p.tw / 4u || ty >= p.th) { return; }
  let plane4 = (p.x_base + plane * p.h * p.w) / 4u;
  let top = i32(ty * 4u) - 1;
  let d = array<array<f32, 18>, 6>(quad_row(plane4, top, q), quad_row(plane4, top + 1, q), quad_row(plane4, top + 2, q),
                                     quad_row(plane4, top + 3, q), quad_row(plane4, top + 4, q), quad_row(plane4, top + 5, q));
  let t0 = tile(d, 0u);
  let t1 = tile(d, 1u);
  let t2 = tile(d, 2u);
  let t3 = tile(d, 3u);
  let out = (c * p.tp + (n * p.th + ty) * p.tw) / 4u + q;
  put_row(0u, out, step, t0, t1, t2, t3);
  put_row(1u, out, step, t0, t1, t2, t3);
  put_row(2u, out, step, t0, t1, t2, t3);
  put_row(3u, out, step, t0, t1, t2, t3);
  put_row(4u, out, step, t0, t1, t2, t3);
  put_row(5u, out, step, t0, t1, t2, t3);
}
