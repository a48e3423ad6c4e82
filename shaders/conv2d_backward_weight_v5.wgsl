// conv2d backward to the weights and bias, version 5: version 4 with its output gradients loaded
// through the subgroup. Version 4's lanes are neighbouring input channels c of the same 4-channel
// block, so its eight dy vec4 loads an input row are the same for every lane, and on lavapipe such a
// load costs inside a loop about what 8 different ones cost (see conv2d_forward_v5). Here lane j < 8 loads
// the j-th of them and subgroupBroadcast hands it to every lane. That needs every lane of a subgroup on
// the same k block and split: subgroups of exactly 8 invocations and C a multiple of 8 (the dispatcher
// checks both), and no invocation leaving before the loop, so surplus invocations compute a copy of
// the last item and do not store it.
// x: (N, C, H, W)  dy: (N, K, OH, OW)  partial: (SPLITS, K·C·9 + K), as version 4.

enable subgroups;
// The lanes of a subgroup share their k block and split (see above), so the loop bounds that the
// uniformity analysis cannot prove uniform are uniform in every subgroup this kernel is dispatched with.
diagnostic(off, subgroup_uniformity);

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, pad: u32,
  x_base: u32, dy_base: u32, splits: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x4: array<vec4f>;
@group(0) @binding(2) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;

// The vec4 of input row `row` (in vec4s from the plane's start) at vec4 column `q`, or 0 past the row's
// end or outside the image.
fn x_quad(plane: u32, row: i32, q: u32) -> vec4f {
  if (row < 0 || row >= i32(p.h) || q * 4u >= p.w) { return vec4f(0.0); }
  return x4[(plane + u32(row) * p.w) / 4u + q];
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_invocation_id) lane: u32) {
  let blocks = (p.k + 3u) / 4u;
  let items = p.splits * blocks * p.c;
  let live = (wid.y * groups.x + wid.x) * WG + lid < items;
  let item = min((wid.y * groups.x + wid.x) * WG + lid, items - 1u);
  let c = item % p.c;
  let kb = ((item / p.c) % blocks) * 4u;
  let split = item / (p.c * blocks);
  // This split's (image, row pair) units: [first, last).
  let pairs = (p.oh + 1u) / 2u;
  let units = p.n * pairs;
  let first = split * units / p.splits;
  let last = (split + 1u) * units / p.splits;
  // Channels past K read channel K − 1 and are never stored.
  let kmax = p.k - 1u;
  let planes = p.oh * p.ow;
  let quads = p.ow / 4u;
  let k0 = min(kb + 0u, kmax);
  let k1 = min(kb + 1u, kmax);
  let k2 = min(kb + 2u, kmax);
  let k3 = min(kb + 3u, kmax);
  var a00 = vec4f(0.0); var a01 = vec4f(0.0); var a02 = vec4f(0.0); var a03 = vec4f(0.0); var a04 = vec4f(0.0); var a05 = vec4f(0.0); var a06 = vec4f(0.0); var a07 = vec4f(0.0); var a08 = vec4f(0.0); var bias0 = vec4f(0.0);
  var a10 = vec4f(0.0); var a11 = vec4f(0.0); var a12 = vec4f(0.0); var a13 = vec4f(0.0); var a14 = vec4f(0.0); var a15 = vec4f(0.0); var a16 = vec4f(0.0); var a17 = vec4f(0.0); var a18 = vec4f(0.0); var bias1 = vec4f(0.0);
  var a20 = vec4f(0.0); var a21 = vec4f(0.0); var a22 = vec4f(0.0); var a23 = vec4f(0.0); var a24 = vec4f(0.0); var a25 = vec4f(0.0); var a26 = vec4f(0.0); var a27 = vec4f(0.0); var a28 = vec4f(0.0); var bias2 = vec4f(0.0);
  var a30 = vec4f(0.0); var a31 = vec4f(0.0); var a32 = vec4f(0.0); var a33 = vec4f(0.0); var a34 = vec4f(0.0); var a35 = vec4f(0.0); var a36 = vec4f(0.0); var a37 = vec4f(0.0); var a38 = vec4f(0.0); var bias3 = vec4f(0.0);

  for (var u = first; u < last; u++) {
    let n = u / pairs;
    let oy = (u % pairs) * 2u;
    let x_plane = p.x_base + (n * p.c + c) * p.h * p.w;
    let dy_image = p.dy_base + n * p.k * planes;
    // Two output rows a pass: rows oy and oy + 1 see input rows oy − 1 … oy + 2, four rows for six.
    let row0 = i32(oy) - 1;
    // A second row past the end reads dy as 0 (it adds nothing).
    let second = oy + 1u < p.oh;
    var p0 = vec4f(0.0); var c0 = x_quad(x_plane, row0, 0u);
    var p1 = vec4f(0.0); var c1 = x_quad(x_plane, row0 + 1, 0u);
    var p2 = vec4f(0.0); var c2 = x_quad(x_plane, row0 + 2, 0u);
    var p3 = vec4f(0.0); var c3 = x_quad(x_plane, row0 + 3, 0u);
    let dy_row0 = (dy_image + k0 * planes + oy * p.ow) / 4u;
    let dy_row1 = (dy_image + k1 * planes + oy * p.ow) / 4u;
    let dy_row2 = (dy_image + k2 * planes + oy * p.ow) / 4u;
    let dy_row3 = (dy_image + k3 * planes + oy * p.ow) / 4u;
    let below = select(0u, quads, second);
    for (var q = 0u; q < quads; q++) {
      let n0 = x_quad(x_plane, row0, q + 1u);
      let n1 = x_quad(x_plane, row0 + 1, q + 1u);
      let n2 = x_quad(x_plane, row0 + 2, q + 1u);
      let n3 = x_quad(x_plane, row0 + 3, q + 1u);
      // Each input row shifted by −1, 0 and +1 for the taps s = 0, 1, 2.
      let r00 = vec4f(p0.w, c0.xyz); let r01 = c0; let r02 = vec4f(c0.yzw, n0.x);
      let r10 = vec4f(p1.w, c1.xyz); let r11 = c1; let r12 = vec4f(c1.yzw, n1.x);
      let r20 = vec4f(p2.w, c2.xyz); let r21 = c2; let r22 = vec4f(c2.yzw, n2.x);
      let r30 = vec4f(p3.w, c3.xyz); let r31 = c3; let r32 = vec4f(c3.yzw, n3.x);
      // Lane j loads the j-th of d0, e0, d1, e1, d2, e2, d3, e3 (channel j / 2, row below if j is odd).
      let j = lane % 8u;
      let row = select(select(dy_row0, dy_row1, j >= 2u), select(dy_row2, dy_row3, j >= 6u), j >= 4u);
      let mine = select(vec4f(0.0), dy4[row + select(0u, below, j % 2u == 1u) + q], j % 2u == 0u || second);
      let d0 = subgroupBroadcast(mine, 0u);
      let e0 = subgroupBroadcast(mine, 1u);
      let d1 = subgroupBroadcast(mine, 2u);
      let e1 = subgroupBroadcast(mine, 3u);
      let d2 = subgroupBroadcast(mine, 4u);
      let e2 = subgroupBroadcast(mine, 5u);
      let d3 = subgroupBroadcast(mine, 6u);
      let e3 = subgroupBroadcast(mine, 7u);
      a00 = fma(e0, r10, fma(d0, r00, a00)); a01 = fma(e0, r11, fma(d0, r01, a01)); a02 = fma(e0, r12, fma(d0, r02, a02)); a03 = fma(e0, r20, fma(d0, r10, a03)); a04 = fma(e0, r21, fma(d0, r11, a04)); a05 = fma(e0, r22, fma(d0, r12, a05)); a06 = fma(e0, r30, fma(d0, r20, a06)); a07 = fma(e0, r31, fma(d0, r21, a07)); a08 = fma(e0, r32, fma(d0, r22, a08)); bias0 += d0 + e0;
      a10 = fma(e1, r10, fma(d1, r00, a10)); a11 = fma(e1, r11, fma(d1, r01, a11)); a12 = fma(e1, r12, fma(d1, r02, a12)); a13 = fma(e1, r20, fma(d1, r10, a13)); a14 = fma(e1, r21, fma(d1, r11, a14)); a15 = fma(e1, r22, fma(d1, r12, a15)); a16 = fma(e1, r30, fma(d1, r20, a16)); a17 = fma(e1, r31, fma(d1, r21, a17)); a18 = fma(e1, r32, fma(d1, r22, a18)); bias1 += d1 + e1;
      a20 = fma(e2, r10, fma(d2, r00, a20)); a21 = fma(e2, r11, fma(d2, r01, a21)); a22 = fma(e2, r12, fma(d2, r02, a22)); a23 = fma(e2, r20, fma(d2, r10, a23)); a24 = fma(e2, r21, fma(d2, r11, a24)); a25 = fma(e2, r22, fma(d2, r12, a25)); a26 = fma(e2, r30, fma(d2, r20, a26)); a27 = fma(e2, r31, fma(d2, r21, a27)); a28 = fma(e2, r32, fma(d2, r22, a28)); bias2 += d2 + e2;
      a30 = fma(e3, r10, fma(d3, r00, a30)); a31 = fma(e3, r11, fma(d3, r01, a31)); a32 = fma(e3, r12, fma(d3, r02, a32)); a33 = fma(e3, r20, fma(d3, r10, a33)); a34 = fma(e3, r21, fma(d3, r11, a34)); a35 = fma(e3, r22, fma(d3, r12, a35)); a36 = fma(e3, r30, fma(d3, r20, a36)); a37 = fma(e3, r31, fma(d3, r21, a37)); a38 = fma(e3, r32, fma(d3, r22, a38)); bias3 += d3 + e3;
      p0 = c0; c0 = n0; p1 = c1; c1 = n1; p2 = c2; c2 = n2; p3 = c3; c3 = n3;
    }
  }

  if (!live) { return; }
  let slice = split * (p.k * p.c * 9u + p.k);
  store(slice, kb + 0u, c, array<vec4f, 9>(a00, a01, a02, a03, a04, a05, a06, a07, a08), bias0);
  store(slice, kb + 1u, c, array<vec4f, 9>(a10, a11, a12, a13, a14, a15, a16, a17, a18), bias1);
  store(slice, kb + 2u, c, array<vec4f, 9>(a20, a21, a22, a23, a24, a25, a26, a27, a28), bias2);
  store(slice, kb + 3u, c, array<vec4f, 9>(a30, a31, a32, a33, a34, a35, a36, a37, a38), bias3);
}

// Adds up each accumulator's 4 lanes into this split's slice of partial (and the bias sum from channel 0's
// invocation).
fn store(slice: u32, k: u32, c: u32, taps: array<vec4f, 9>, bias_sum: vec4f) {
  if (k >= p.k) { return; }
  let base = slice + (k * p.c + c) * 9u;
  for (var t = 0u; t < 9u; t++) {
    partial[base + t] = dot(taps[t], vec4f(1.0));
  }
  if (c == 0u) {
    partial[slice + p.k * p.c * 9u + k] = dot(bias_sum, vec4f(1.0));
  }
}
