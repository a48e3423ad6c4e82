// conv2d backward to the weights and bias, version 6: version 5 with 16 output channels an invocation
// instead of 4. Once the subgroup shares the dy loads, what a lane pays for is its own input rows (four
// vec4 loads a step); 16 channels give each of them four times the FMAs. 144 vec4 accumulators spill on
// a CPU, yet on lavapipe 16 channels measured faster than 4 and about as fast as 8 (three interleaved
// runs at VGG16's conv3_3: 135, 120, 121 ms against 155, 164, 156 for 4 and 121, 133, 139 for 8).
// Lanes, splits and the partial sums are as in version 5: subgroups of exactly 8 invocations on the
// same 16-channel block and split, so C a multiple of 8 (the dispatcher checks both).
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
  let blocks = (p.k + 15u) / 16u;
  let items = p.splits * blocks * p.c;
  let live = (wid.y * groups.x + wid.x) * WG + lid < items;
  let item = min((wid.y * groups.x + wid.x) * WG + lid, items - 1u);
  let c = item % p.c;
  let kb = ((item / p.c) % blocks) * 16u;
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
  let k4 = min(kb + 4u, kmax);
  let k5 = min(kb + 5u, kmax);
  let k6 = min(kb + 6u, kmax);
  let k7 = min(kb + 7u, kmax);
  let k8 = min(kb + 8u, kmax);
  let k9 = min(kb + 9u, kmax);
  let k10 = min(kb + 10u, kmax);
  let k11 = min(kb + 11u, kmax);
  let k12 = min(kb + 12u, kmax);
  let k13 = min(kb + 13u, kmax);
  let k14 = min(kb + 14u, kmax);
  let k15 = min(kb + 15u, kmax);
  var a0_0 = vec4f(0.0); var a0_1 = vec4f(0.0); var a0_2 = vec4f(0.0); var a0_3 = vec4f(0.0); var a0_4 = vec4f(0.0); var a0_5 = vec4f(0.0); var a0_6 = vec4f(0.0); var a0_7 = vec4f(0.0); var a0_8 = vec4f(0.0); var bias0 = vec4f(0.0);
  var a1_0 = vec4f(0.0); var a1_1 = vec4f(0.0); var a1_2 = vec4f(0.0); var a1_3 = vec4f(0.0); var a1_4 = vec4f(0.0); var a1_5 = vec4f(0.0); var a1_6 = vec4f(0.0); var a1_7 = vec4f(0.0); var a1_8 = vec4f(0.0); var bias1 = vec4f(0.0);
  var a2_0 = vec4f(0.0); var a2_1 = vec4f(0.0); var a2_2 = vec4f(0.0); var a2_3 = vec4f(0.0); var a2_4 = vec4f(0.0); var a2_5 = vec4f(0.0); var a2_6 = vec4f(0.0); var a2_7 = vec4f(0.0); var a2_8 = vec4f(0.0); var bias2 = vec4f(0.0);
  var a3_0 = vec4f(0.0); var a3_1 = vec4f(0.0); var a3_2 = vec4f(0.0); var a3_3 = vec4f(0.0); var a3_4 = vec4f(0.0); var a3_5 = vec4f(0.0); var a3_6 = vec4f(0.0); var a3_7 = vec4f(0.0); var a3_8 = vec4f(0.0); var bias3 = vec4f(0.0);
  var a4_0 = vec4f(0.0); var a4_1 = vec4f(0.0); var a4_2 = vec4f(0.0); var a4_3 = vec4f(0.0); var a4_4 = vec4f(0.0); var a4_5 = vec4f(0.0); var a4_6 = vec4f(0.0); var a4_7 = vec4f(0.0); var a4_8 = vec4f(0.0); var bias4 = vec4f(0.0);
  var a5_0 = vec4f(0.0); var a5_1 = vec4f(0.0); var a5_2 = vec4f(0.0); var a5_3 = vec4f(0.0); var a5_4 = vec4f(0.0); var a5_5 = vec4f(0.0); var a5_6 = vec4f(0.0); var a5_7 = vec4f(0.0); var a5_8 = vec4f(0.0); var bias5 = vec4f(0.0);
  var a6_0 = vec4f(0.0); var a6_1 = vec4f(0.0); var a6_2 = vec4f(0.0); var a6_3 = vec4f(0.0); var a6_4 = vec4f(0.0); var a6_5 = vec4f(0.0); var a6_6 = vec4f(0.0); var a6_7 = vec4f(0.0); var a6_8 = vec4f(0.0); var bias6 = vec4f(0.0);
  var a7_0 = vec4f(0.0); var a7_1 = vec4f(0.0); var a7_2 = vec4f(0.0); var a7_3 = vec4f(0.0); var a7_4 = vec4f(0.0); var a7_5 = vec4f(0.0); var a7_6 = vec4f(0.0); var a7_7 = vec4f(0.0); var a7_8 = vec4f(0.0); var bias7 = vec4f(0.0);
  var a8_0 = vec4f(0.0); var a8_1 = vec4f(0.0); var a8_2 = vec4f(0.0); var a8_3 = vec4f(0.0); var a8_4 = vec4f(0.0); var a8_5 = vec4f(0.0); var a8_6 = vec4f(0.0); var a8_7 = vec4f(0.0); var a8_8 = vec4f(0.0); var bias8 = vec4f(0.0);
  var a9_0 = vec4f(0.0); var a9_1 = vec4f(0.0); var a9_2 = vec4f(0.0); var a9_3 = vec4f(0.0); var a9_4 = vec4f(0.0); var a9_5 = vec4f(0.0); var a9_6 = vec4f(0.0); var a9_7 = vec4f(0.0); var a9_8 = vec4f(0.0); var bias9 = vec4f(0.0);
  var a10_0 = vec4f(0.0); var a10_1 = vec4f(0.0); var a10_2 = vec4f(0.0); var a10_3 = vec4f(0.0); var a10_4 = vec4f(0.0); var a10_5 = vec4f(0.0); var a10_6 = vec4f(0.0); var a10_7 = vec4f(0.0); var a10_8 = vec4f(0.0); var bias10 = vec4f(0.0);
  var a11_0 = vec4f(0.0); var a11_1 = vec4f(0.0); var a11_2 = vec4f(0.0); var a11_3 = vec4f(0.0); var a11_4 = vec4f(0.0); var a11_5 = vec4f(0.0); var a11_6 = vec4f(0.0); var a11_7 = vec4f(0.0); var a11_8 = vec4f(0.0); var bias11 = vec4f(0.0);
  var a12_0 = vec4f(0.0); var a12_1 = vec4f(0.0); var a12_2 = vec4f(0.0); var a12_3 = vec4f(0.0); var a12_4 = vec4f(0.0); var a12_5 = vec4f(0.0); var a12_6 = vec4f(0.0); var a12_7 = vec4f(0.0); var a12_8 = vec4f(0.0); var bias12 = vec4f(0.0);
  var a13_0 = vec4f(0.0); var a13_1 = vec4f(0.0); var a13_2 = vec4f(0.0); var a13_3 = vec4f(0.0); var a13_4 = vec4f(0.0); var a13_5 = vec4f(0.0); var a13_6 = vec4f(0.0); var a13_7 = vec4f(0.0); var a13_8 = vec4f(0.0); var bias13 = vec4f(0.0);
  var a14_0 = vec4f(0.0); var a14_1 = vec4f(0.0); var a14_2 = vec4f(0.0); var a14_3 = vec4f(0.0); var a14_4 = vec4f(0.0); var a14_5 = vec4f(0.0); var a14_6 = vec4f(0.0); var a14_7 = vec4f(0.0); var a14_8 = vec4f(0.0); var bias14 = vec4f(0.0);
  var a15_0 = vec4f(0.0); var a15_1 = vec4f(0.0); var a15_2 = vec4f(0.0); var a15_3 = vec4f(0.0); var a15_4 = vec4f(0.0); var a15_5 = vec4f(0.0); var a15_6 = vec4f(0.0); var a15_7 = vec4f(0.0); var a15_8 = vec4f(0.0); var bias15 = vec4f(0.0);

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
    let dy_row4 = (dy_image + k4 * planes + oy * p.ow) / 4u;
    let dy_row5 = (dy_image + k5 * planes + oy * p.ow) / 4u;
    let dy_row6 = (dy_image + k6 * planes + oy * p.ow) / 4u;
    let dy_row7 = (dy_image + k7 * planes + oy * p.ow) / 4u;
    let dy_row8 = (dy_image + k8 * planes + oy * p.ow) / 4u;
    let dy_row9 = (dy_image + k9 * planes + oy * p.ow) / 4u;
    let dy_row10 = (dy_image + k10 * planes + oy * p.ow) / 4u;
    let dy_row11 = (dy_image + k11 * planes + oy * p.ow) / 4u;
    let dy_row12 = (dy_image + k12 * planes + oy * p.ow) / 4u;
    let dy_row13 = (dy_image + k13 * planes + oy * p.ow) / 4u;
    let dy_row14 = (dy_image + k14 * planes + oy * p.ow) / 4u;
    let dy_row15 = (dy_image + k15 * planes + oy * p.ow) / 4u;
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
      // Lane j loads, for each group of 4 channels g, d (j even) or e (j odd) of channel 4g + j / 2.
      let j = lane % 8u;
      let row0 = select(select(dy_row0, dy_row1, j >= 2u), select(dy_row2, dy_row3, j >= 6u), j >= 4u);
      let mine0 = select(vec4f(0.0), dy4[row0 + select(0u, below, j % 2u == 1u) + q], j % 2u == 0u || second);
      let d0 = subgroupBroadcast(mine0, 0u); let e0 = subgroupBroadcast(mine0, 1u);
      let d1 = subgroupBroadcast(mine0, 2u); let e1 = subgroupBroadcast(mine0, 3u);
      let d2 = subgroupBroadcast(mine0, 4u); let e2 = subgroupBroadcast(mine0, 5u);
      let d3 = subgroupBroadcast(mine0, 6u); let e3 = subgroupBroadcast(mine0, 7u);
      let row1 = select(select(dy_row4, dy_row5, j >= 2u), select(dy_row6, dy_row7, j >= 6u), j >= 4u);
      let mine1 = select(vec4f(0.0), dy4[row1 + select(0u, below, j % 2u == 1u) + q], j % 2u == 0u || second);
      let d4 = subgroupBroadcast(mine1, 0u); let e4 = subgroupBroadcast(mine1, 1u);
      let d5 = subgroupBroadcast(mine1, 2u); let e5 = subgroupBroadcast(mine1, 3u);
      let d6 = subgroupBroadcast(mine1, 4u); let e6 = subgroupBroadcast(mine1, 5u);
      let d7 = subgroupBroadcast(mine1, 6u); let e7 = subgroupBroadcast(mine1, 7u);
      let row2 = select(select(dy_row8, dy_row9, j >= 2u), select(dy_row10, dy_row11, j >= 6u), j >= 4u);
      let mine2 = select(vec4f(0.0), dy4[row2 + select(0u, below, j % 2u == 1u) + q], j % 2u == 0u || second);
      let d8 = subgroupBroadcast(mine2, 0u); let e8 = subgroupBroadcast(mine2, 1u);
      let d9 = subgroupBroadcast(mine2, 2u); let e9 = subgroupBroadcast(mine2, 3u);
      let d10 = subgroupBroadcast(mine2, 4u); let e10 = subgroupBroadcast(mine2, 5u);
      let d11 = subgroupBroadcast(mine2, 6u); let e11 = subgroupBroadcast(mine2, 7u);
      let row3 = select(select(dy_row12, dy_row13, j >= 2u), select(dy_row14, dy_row15, j >= 6u), j >= 4u);
      let mine3 = select(vec4f(0.0), dy4[row3 + select(0u, below, j % 2u == 1u) + q], j % 2u == 0u || second);
      let d12 = subgroupBroadcast(mine3, 0u); let e12 = subgroupBroadcast(mine3, 1u);
      let d13 = subgroupBroadcast(mine3, 2u); let e13 = subgroupBroadcast(mine3, 3u);
      let d14 = subgroupBroadcast(mine3, 4u); let e14 = subgroupBroadcast(mine3, 5u);
      let d15 = subgroupBroadcast(mine3, 6u); let e15 = subgroupBroadcast(mine3, 7u);
      a0_0 = fma(e0, r10, fma(d0, r00, a0_0)); a0_1 = fma(e0, r11, fma(d0, r01, a0_1)); a0_2 = fma(e0, r12, fma(d0, r02, a0_2)); a0_3 = fma(e0, r20, fma(d0, r10, a0_3)); a0_4 = fma(e0, r21, fma(d0, r11, a0_4)); a0_5 = fma(e0, r22, fma(d0, r12, a0_5)); a0_6 = fma(e0, r30, fma(d0, r20, a0_6)); a0_7 = fma(e0, r31, fma(d0, r21, a0_7)); a0_8 = fma(e0, r32, fma(d0, r22, a0_8)); bias0 += d0 + e0;
      a1_0 = fma(e1, r10, fma(d1, r00, a1_0)); a1_1 = fma(e1, r11, fma(d1, r01, a1_1)); a1_2 = fma(e1, r12, fma(d1, r02, a1_2)); a1_3 = fma(e1, r20, fma(d1, r10, a1_3)); a1_4 = fma(e1, r21, fma(d1, r11, a1_4)); a1_5 = fma(e1, r22, fma(d1, r12, a1_5)); a1_6 = fma(e1, r30, fma(d1, r20, a1_6)); a1_7 = fma(e1, r31, fma(d1, r21, a1_7)); a1_8 = fma(e1, r32, fma(d1, r22, a1_8)); bias1 += d1 + e1;
      a2_0 = fma(e2, r10, fma(d2, r00, a2_0)); a2_1 = fma(e2, r11, fma(d2, r01, a2_1)); a2_2 = fma(e2, r12, fma(d2, r02, a2_2)); a2_3 = fma(e2, r20, fma(d2, r10, a2_3)); a2_4 = fma(e2, r21, fma(d2, r11, a2_4)); a2_5 = fma(e2, r22, fma(d2, r12, a2_5)); a2_6 = fma(e2, r30, fma(d2, r20, a2_6)); a2_7 = fma(e2, r31, fma(d2, r21, a2_7)); a2_8 = fma(e2, r32, fma(d2, r22, a2_8)); bias2 += d2 + e2;
      a3_0 = fma(e3, r10, fma(d3, r00, a3_0)); a3_1 = fma(e3, r11, fma(d3, r01, a3_1)); a3_2 = fma(e3, r12, fma(d3, r02, a3_2)); a3_3 = fma(e3, r20, fma(d3, r10, a3_3)); a3_4 = fma(e3, r21, fma(d3, r11, a3_4)); a3_5 = fma(e3, r22, fma(d3, r12, a3_5)); a3_6 = fma(e3, r30, fma(d3, r20, a3_6)); a3_7 = fma(e3, r31, fma(d3, r21, a3_7)); a3_8 = fma(e3, r32, fma(d3, r22, a3_8)); bias3 += d3 + e3;
      a4_0 = fma(e4, r10, fma(d4, r00, a4_0)); a4_1 = fma(e4, r11, fma(d4, r01, a4_1)); a4_2 = fma(e4, r12, fma(d4, r02, a4_2)); a4_3 = fma(e4, r20, fma(d4, r10, a4_3)); a4_4 = fma(e4, r21, fma(d4, r11, a4_4)); a4_5 = fma(e4, r22, fma(d4, r12, a4_5)); a4_6 = fma(e4, r30, fma(d4, r20, a4_6)); a4_7 = fma(e4, r31, fma(d4, r21, a4_7)); a4_8 = fma(e4, r32, fma(d4, r22, a4_8)); bias4 += d4 + e4;
      a5_0 = fma(e5, r10, fma(d5, r00, a5_0)); a5_1 = fma(e5, r11, fma(d5, r01, a5_1)); a5_2 = fma(e5, r12, fma(d5, r02, a5_2)); a5_3 = fma(e5, r20, fma(d5, r10, a5_3)); a5_4 = fma(e5, r21, fma(d5, r11, a5_4)); a5_5 = fma(e5, r22, fma(d5, r12, a5_5)); a5_6 = fma(e5, r30, fma(d5, r20, a5_6)); a5_7 = fma(e5, r31, fma(d5, r21, a5_7)); a5_8 = fma(e5, r32, fma(d5, r22, a5_8)); bias5 += d5 + e5;
      a6_0 = fma(e6, r10, fma(d6, r00, a6_0)); a6_1 = fma(e6, r11, fma(d6, r01, a6_1)); a6_2 = fma(e6, r12, fma(d6, r02, a6_2)); a6_3 = fma(e6, r20, fma(d6, r10, a6_3)); a6_4 = fma(e6, r21, fma(d6, r11, a6_4)); a6_5 = fma(e6, r22, fma(d6, r12, a6_5)); a6_6 = fma(e6, r30, fma(d6, r20, a6_6)); a6_7 = fma(e6, r31, fma(d6, r21, a6_7)); a6_8 = fma(e6, r32, fma(d6, r22, a6_8)); bias6 += d6 + e6;
      a7_0 = fma(e7, r10, fma(d7, r00, a7_0)); a7_1 = fma(e7, r11, fma(d7, r01, a7_1)); a7_2 = fma(e7, r12, fma(d7, r02, a7_2)); a7_3 = fma(e7, r20, fma(d7, r10, a7_3)); a7_4 = fma(e7, r21, fma(d7, r11, a7_4)); a7_5 = fma(e7, r22, fma(d7, r12, a7_5)); a7_6 = fma(e7, r30, fma(d7, r20, a7_6)); a7_7 = fma(e7, r31, fma(d7, r21, a7_7)); a7_8 = fma(e7, r32, fma(d7, r22, a7_8)); bias7 += d7 + e7;
      a8_0 = fma(e8, r10, fma(d8, r00, a8_0)); a8_1 = fma(e8, r11, fma(d8, r01, a8_1)); a8_2 = fma(e8, r12, fma(d8, r02, a8_2)); a8_3 = fma(e8, r20, fma(d8, r10, a8_3)); a8_4 = fma(e8, r21, fma(d8, r11, a8_4)); a8_5 = fma(e8, r22, fma(d8, r12, a8_5)); a8_6 = fma(e8, r30, fma(d8, r20, a8_6)); a8_7 = fma(e8, r31, fma(d8, r21, a8_7)); a8_8 = fma(e8, r32, fma(d8, r22, a8_8)); bias8 += d8 + e8;
      a9_0 = fma(e9, r10, fma(d9, r00, a9_0)); a9_1 = fma(e9, r11, fma(d9, r01, a9_1)); a9_2 = fma(e9, r12, fma(d9, r02, a9_2)); a9_3 = fma(e9, r20, fma(d9, r10, a9_3)); a9_4 = fma(e9, r21, fma(d9, r11, a9_4)); a9_5 = fma(e9, r22, fma(d9, r12, a9_5)); a9_6 = fma(e9, r30, fma(d9, r20, a9_6)); a9_7 = fma(e9, r31, fma(d9, r21, a9_7)); a9_8 = fma(e9, r32, fma(d9, r22, a9_8)); bias9 += d9 + e9;
      a10_0 = fma(e10, r10, fma(d10, r00, a10_0)); a10_1 = fma(e10, r11, fma(d10, r01, a10_1)); a10_2 = fma(e10, r12, fma(d10, r02, a10_2)); a10_3 = fma(e10, r20, fma(d10, r10, a10_3)); a10_4 = fma(e10, r21, fma(d10, r11, a10_4)); a10_5 = fma(e10, r22, fma(d10, r12, a10_5)); a10_6 = fma(e10, r30, fma(d10, r20, a10_6)); a10_7 = fma(e10, r31, fma(d10, r21, a10_7)); a10_8 = fma(e10, r32, fma(d10, r22, a10_8)); bias10 += d10 + e10;
      a11_0 = fma(e11, r10, fma(d11, r00, a11_0)); a11_1 = fma(e11, r11, fma(d11, r01, a11_1)); a11_2 = fma(e11, r12, fma(d11, r02, a11_2)); a11_3 = fma(e11, r20, fma(d11, r10, a11_3)); a11_4 = fma(e11, r21, fma(d11, r11, a11_4)); a11_5 = fma(e11, r22, fma(d11, r12, a11_5)); a11_6 = fma(e11, r30, fma(d11, r20, a11_6)); a11_7 = fma(e11, r31, fma(d11, r21, a11_7)); a11_8 = fma(e11, r32, fma(d11, r22, a11_8)); bias11 += d11 + e11;
      a12_0 = fma(e12, r10, fma(d12, r00, a12_0)); a12_1 = fma(e12, r11, fma(d12, r01, a12_1)); a12_2 = fma(e12, r12, fma(d12, r02, a12_2)); a12_3 = fma(e12, r20, fma(d12, r10, a12_3)); a12_4 = fma(e12, r21, fma(d12, r11, a12_4)); a12_5 = fma(e12, r22, fma(d12, r12, a12_5)); a12_6 = fma(e12, r30, fma(d12, r20, a12_6)); a12_7 = fma(e12, r31, fma(d12, r21, a12_7)); a12_8 = fma(e12, r32, fma(d12, r22, a12_8)); bias12 += d12 + e12;
      a13_0 = fma(e13, r10, fma(d13, r00, a13_0)); a13_1 = fma(e13, r11, fma(d13, r01, a13_1)); a13_2 = fma(e13, r12, fma(d13, r02, a13_2)); a13_3 = fma(e13, r20, fma(d13, r10, a13_3)); a13_4 = fma(e13, r21, fma(d13, r11, a13_4)); a13_5 = fma(e13, r22, fma(d13, r12, a13_5)); a13_6 = fma(e13, r30, fma(d13, r20, a13_6)); a13_7 = fma(e13, r31, fma(d13, r21, a13_7)); a13_8 = fma(e13, r32, fma(d13, r22, a13_8)); bias13 += d13 + e13;
      a14_0 = fma(e14, r10, fma(d14, r00, a14_0)); a14_1 = fma(e14, r11, fma(d14, r01, a14_1)); a14_2 = fma(e14, r12, fma(d14, r02, a14_2)); a14_3 = fma(e14, r20, fma(d14, r10, a14_3)); a14_4 = fma(e14, r21, fma(d14, r11, a14_4)); a14_5 = fma(e14, r22, fma(d14, r12, a14_5)); a14_6 = fma(e14, r30, fma(d14, r20, a14_6)); a14_7 = fma(e14, r31, fma(d14, r21, a14_7)); a14_8 = fma(e14, r32, fma(d14, r22, a14_8)); bias14 += d14 + e14;
      a15_0 = fma(e15, r10, fma(d15, r00, a15_0)); a15_1 = fma(e15, r11, fma(d15, r01, a15_1)); a15_2 = fma(e15, r12, fma(d15, r02, a15_2)); a15_3 = fma(e15, r20, fma(d15, r10, a15_3)); a15_4 = fma(e15, r21, fma(d15, r11, a15_4)); a15_5 = fma(e15, r22, fma(d15, r12, a15_5)); a15_6 = fma(e15, r30, fma(d15, r20, a15_6)); a15_7 = fma(e15, r31, fma(d15, r21, a15_7)); a15_8 = fma(e15, r32, fma(d15, r22, a15_8)); bias15 += d15 + e15;
      p0 = c0; c0 = n0; p1 = c1; c1 = n1; p2 = c2; c2 = n2; p3 = c3; c3 = n3;
    }
  }

  if (!live) { return; }
  let slice = split * (p.k * p.c * 9u + p.k);
  store(slice, kb + 0u, c, array<vec4f, 9>(a0_0, a0_1, a0_2, a0_3, a0_4, a0_5, a0_6, a0_7, a0_8), bias0);
  store(slice, kb + 1u, c, array<vec4f, 9>(a1_0, a1_1, a1_2, a1_3, a1_4, a1_5, a1_6, a1_7, a1_8), bias1);
  store(slice, kb + 2u, c, array<vec4f, 9>(a2_0, a2_1, a2_2, a2_3, a2_4, a2_5, a2_6, a2_7, a2_8), bias2);
  store(slice, kb + 3u, c, array<vec4f, 9>(a3_0, a3_1, a3_2, a3_3, a3_4, a3_5, a3_6, a3_7, a3_8), bias3);
  store(slice, kb + 4u, c, array<vec4f, 9>(a4_0, a4_1, a4_2, a4_3, a4_4, a4_5, a4_6, a4_7, a4_8), bias4);
  store(slice, kb + 5u, c, array<vec4f, 9>(a5_0, a5_1, a5_2, a5_3, a5_4, a5_5, a5_6, a5_7, a5_8), bias5);
  store(slice, kb + 6u, c, array<vec4f, 9>(a6_0, a6_1, a6_2, a6_3, a6_4, a6_5, a6_6, a6_7, a6_8), bias6);
  store(slice, kb + 7u, c, array<vec4f, 9>(a7_0, a7_1, a7_2, a7_3, a7_4, a7_5, a7_6, a7_7, a7_8), bias7);
  store(slice, kb + 8u, c, array<vec4f, 9>(a8_0, a8_1, a8_2, a8_3, a8_4, a8_5, a8_6, a8_7, a8_8), bias8);
  store(slice, kb + 9u, c, array<vec4f, 9>(a9_0, a9_1, a9_2, a9_3, a9_4, a9_5, a9_6, a9_7, a9_8), bias9);
  store(slice, kb + 10u, c, array<vec4f, 9>(a10_0, a10_1, a10_2, a10_3, a10_4, a10_5, a10_6, a10_7, a10_8), bias10);
  store(slice, kb + 11u, c, array<vec4f, 9>(a11_0, a11_1, a11_2, a11_3, a11_4, a11_5, a11_6, a11_7, a11_8), bias11);
  store(slice, kb + 12u, c, array<vec4f, 9>(a12_0, a12_1, a12_2, a12_3, a12_4, a12_5, a12_6, a12_7, a12_8), bias12);
  store(slice, kb + 13u, c, array<vec4f, 9>(a13_0, a13_1, a13_2, a13_3, a13_4, a13_5, a13_6, a13_7, a13_8), bias13);
  store(slice, kb + 14u, c, array<vec4f, 9>(a14_0, a14_1, a14_2, a14_3, a14_4, a14_5, a14_6, a14_7, a14_8), bias14);
  store(slice, kb + 15u, c, array<vec4f, 9>(a15_0, a15_1, a15_2, a15_3, a15_4, a15_5, a15_6, a15_7, a15_8), bias15);
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
