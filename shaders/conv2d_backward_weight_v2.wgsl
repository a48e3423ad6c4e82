// conv2d backward to the weights and bias, version 2: direct 3×3, register-blocked, vector loads.
// x: (N, C, H, W)  dy: (N, K, OH, OW)  dw: (K, C, 3, 3)  db: (K)
//   dw[k, c, r, s] = Σ_{n, oy, ox} dy[n, k, oy, ox] · x[n, c, oy + r − pad, ox + s − pad],  db[k] = Σ dy[n, k, ·, ·]
//
// An invocation owns 4 output channels × 1 input channel × the 9 taps, and walks every pixel of the
// batch 4 at a time: per step it loads the 4 channels' dy as vec4s and the 3 input rows the taps see
// (a vec4 and two halo values each), then adds the 36 products into vec4 accumulators, which are
// summed across their lanes at the end. That is 144 multiply-adds per 13 loads, which is what counts on
// lavapipe (it pays for each load lane by lane). The invocations of input channel 0 also sum dy for the
// bias. When the batch is split into several dispatches, accumulate = 1 adds to what earlier ones wrote.
// Invocation index = (k block) · C + c; when the rows are whole vec4s (VEC = 1) the loads are vec4s.

override WG: u32;
override VEC: bool;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, pad: u32,
  x_base: u32, dy_base: u32, accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> x4: array<vec4f>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbias: array<f32>;

// x[plane + row·W + column], or 0 outside the image.
fn x_at(plane: u32, row: i32, column: i32) -> f32 {
  if (row < 0 || row >= i32(p.h) || column < 0 || column >= i32(p.w)) { return 0.0; }
  return x[plane + u32(row) * p.w + u32(column)];
}

// dy[plane + row·OW + column], or 0 past the row's end.
fn dy_at(plane: u32, column: u32) -> f32 {
  if (column >= p.ow) { return 0.0; }
  return dy[plane + column];
}

// The vec4 of 4 output pixels from `column` of dy row `plane`.
fn dy_quad(plane: u32, column: u32) -> vec4f {
  if (VEC) { return dy4[(plane + column) / 4u]; }
  return vec4f(dy_at(plane, column), dy_at(plane, column + 1u), dy_at(plane, column + 2u), dy_at(plane, column + 3u));
}

// The 6 input values the taps of 4 output pixels from `column` see in input row `row`, as the three
// shifted vec4s (s = 0, 1, 2).
struct Shifted { s0: vec4f, s1: vec4f, s2: vec4f, }
fn x_row(plane: u32, row: i32, column: u32) -> Shifted {
  let left = i32(column) - i32(p.pad);
  var lo = vec4f(0.0);
  var h0 = 0.0;
  var h1 = 0.0;
  if (VEC && p.pad == 1u) {
    if (row >= 0 && row < i32(p.h)) {
      let start = plane + u32(row) * p.w + column;
      lo = x4[start / 4u];
      if (column > 0u) { h0 = x[start - 1u]; }
      if (column + 4u < p.w) { h1 = x[start + 4u]; }
    }
    return Shifted(vec4f(h0, lo.xyz), lo, vec4f(lo.yzw, h1));
  }
  let v = array<f32, 6>(x_at(plane, row, left), x_at(plane, row, left + 1), x_at(plane, row, left + 2),
                        x_at(plane, row, left + 3), x_at(plane, row, left + 4), x_at(plane, row, left + 5));
  return Shifted(vec4f(v[0], v[1], v[2], v[3]), vec4f(v[1], v[2], v[3], v[4]), vec4f(v[2], v[3], v[4], v[5]));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let item = (wid.y * groups.x + wid.x) * WG + lid;
  let blocks = (p.k + 3u) / 4u;
  if (item >= blocks * p.c) { return; }
  let c = item % p.c;
  let kb = (item / p.c) * 4u;
  // Channels past K read channel K − 1 and are never stored.
  let kmax = p.k - 1u;
  let planes = p.oh * p.ow;

  let k0 = min(kb + 0u, kmax);
  let k1 = min(kb + 1u, kmax);
  let k2 = min(kb + 2u, kmax);
  let k3 = min(kb + 3u, kmax);
  var a00 = vec4f(0.0); var a01 = vec4f(0.0); var a02 = vec4f(0.0); var a03 = vec4f(0.0); var a04 = vec4f(0.0); var a05 = vec4f(0.0); var a06 = vec4f(0.0); var a07 = vec4f(0.0); var a08 = vec4f(0.0);
  var a10 = vec4f(0.0); var a11 = vec4f(0.0); var a12 = vec4f(0.0); var a13 = vec4f(0.0); var a14 = vec4f(0.0); var a15 = vec4f(0.0); var a16 = vec4f(0.0); var a17 = vec4f(0.0); var a18 = vec4f(0.0);
  var a20 = vec4f(0.0); var a21 = vec4f(0.0); var a22 = vec4f(0.0); var a23 = vec4f(0.0); var a24 = vec4f(0.0); var a25 = vec4f(0.0); var a26 = vec4f(0.0); var a27 = vec4f(0.0); var a28 = vec4f(0.0);
  var a30 = vec4f(0.0); var a31 = vec4f(0.0); var a32 = vec4f(0.0); var a33 = vec4f(0.0); var a34 = vec4f(0.0); var a35 = vec4f(0.0); var a36 = vec4f(0.0); var a37 = vec4f(0.0); var a38 = vec4f(0.0);
  var bias0 = vec4f(0.0); var bias1 = vec4f(0.0); var bias2 = vec4f(0.0); var bias3 = vec4f(0.0);

  for (var n = 0u; n < p.n; n++) {
    let x_plane = p.x_base + (n * p.c + c) * p.h * p.w;
    let dy_image = p.dy_base + n * p.k * planes;
    for (var oy = 0u; oy < p.oh; oy++) {
      for (var ox = 0u; ox < p.ow; ox += 4u) {
        let d0 = dy_quad(dy_image + k0 * planes + oy * p.ow, ox);
        let d1 = dy_quad(dy_image + k1 * planes + oy * p.ow, ox);
        let d2 = dy_quad(dy_image + k2 * planes + oy * p.ow, ox);
        let d3 = dy_quad(dy_image + k3 * planes + oy * p.ow, ox);
        let r0 = x_row(x_plane, i32(oy + 0u) - i32(p.pad), ox);
        let r1 = x_row(x_plane, i32(oy + 1u) - i32(p.pad), ox);
        let r2 = x_row(x_plane, i32(oy + 2u) - i32(p.pad), ox);
        a00 = fma(d0, r0.s0, a00); a01 = fma(d0, r0.s1, a01); a02 = fma(d0, r0.s2, a02); a03 = fma(d0, r1.s0, a03); a04 = fma(d0, r1.s1, a04);
        a05 = fma(d0, r1.s2, a05); a06 = fma(d0, r2.s0, a06); a07 = fma(d0, r2.s1, a07); a08 = fma(d0, r2.s2, a08);
        a10 = fma(d1, r0.s0, a10); a11 = fma(d1, r0.s1, a11); a12 = fma(d1, r0.s2, a12); a13 = fma(d1, r1.s0, a13); a14 = fma(d1, r1.s1, a14);
        a15 = fma(d1, r1.s2, a15); a16 = fma(d1, r2.s0, a16); a17 = fma(d1, r2.s1, a17); a18 = fma(d1, r2.s2, a18);
        a20 = fma(d2, r0.s0, a20); a21 = fma(d2, r0.s1, a21); a22 = fma(d2, r0.s2, a22); a23 = fma(d2, r1.s0, a23); a24 = fma(d2, r1.s1, a24);
        a25 = fma(d2, r1.s2, a25); a26 = fma(d2, r2.s0, a26); a27 = fma(d2, r2.s1, a27); a28 = fma(d2, r2.s2, a28);
        a30 = fma(d3, r0.s0, a30); a31 = fma(d3, r0.s1, a31); a32 = fma(d3, r0.s2, a32); a33 = fma(d3, r1.s0, a33); a34 = fma(d3, r1.s1, a34);
        a35 = fma(d3, r1.s2, a35); a36 = fma(d3, r2.s0, a36); a37 = fma(d3, r2.s1, a37); a38 = fma(d3, r2.s2, a38);
        bias0 += d0; bias1 += d1; bias2 += d2; bias3 += d3;
      }
    }
  }

  store(kb + 0u, c, array<vec4f, 9>(a00, a01, a02, a03, a04, a05, a06, a07, a08), bias0);
  store(kb + 1u, c, array<vec4f, 9>(a10, a11, a12, a13, a14, a15, a16, a17, a18), bias1);
  store(kb + 2u, c, array<vec4f, 9>(a20, a21, a22, a23, a24, a25, a26, a27, a28), bias2);
  store(kb + 3u, c, array<vec4f, 9>(a30, a31, a32, a33, a34, a35, a36, a37, a38), bias3);
}

// Adds up each accumulator's 4 lanes into dw[k, c, ·, ·] (and db[k] from channel 0's invocation).
fn store(k: u32, c: u32, taps: array<vec4f, 9>, bias_sum: vec4f) {
  if (k >= p.k) { return; }
  let base = (k * p.c + c) * 9u;
  let keep = p.accumulate == 1u;
  for (var t = 0u; t < 9u; t++) {
    let total = dot(taps[t], vec4f(1.0));
    dweight[base + t] = select(0.0, dweight[base + t], keep) + total;
  }
  if (c == 0u) {
    dbias[k] = select(0.0, dbias[k], keep) + dot(bias_sum, vec4f(1.0));
  }
}
