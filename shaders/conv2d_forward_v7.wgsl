// conv2d forward, version 7: 32 output channels × 8 neighbouring pixels an invocation, and the 8 lanes
// of a subgroup on 8 neighbouring output rows of the same 8 columns, so that they share input rows.
// x: (N, C, H, W)  wt: (C, 3, 3, KP), the weight rearranged by conv2d_weight_layout (KP = K rounded
// up to 8)  b: (K)  y: (N, K, OH, OW), stride 1, zero padding `pad`.
//
// Lane i computes output row oy = 8·block + i. Of the three input rows its kernel rows see, it loads
// only the middle one, and takes the one above from lane i − 1 and the one below from lane i + 1 by
// subgroup shuffles; lanes 0 and 7 load the row beyond the block themselves. So per input channel a
// lane loads one input row (10 values) where version 6 loads three, and its weights come through the
// subgroup as in version 6. With 64 vec4 accumulators this spills registers on a CPU, yet it measured
// faster on lavapipe than 16 or 32 accumulators (VGG16's conv2_2 at 82 ms against 109 for version 6
// and 106 for 32 channels × 4 pixels; conv4_3 103 against 137 and 128): work per load decides there.
// Channels past K in the last block read whatever lies past KP in the weight row (or the array's last
// element) and are never stored. Needs subgroups of exactly 8 lanes and workgroups of one subgroup
// (the dispatcher checks); every lane stays to the end of the loop, rows past OH store nothing.
// Workgroup x covers (block of 8 output rows, group of 8 columns) pairs; y the 32-channel block;
// z the image.

enable subgroups;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, kp: u32,
  pad: u32, x_base: u32, y_base: u32, m_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> x4: array<vec4f>;
@group(0) @binding(3) var<storage, read> wt: array<vec4f>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
// What the store writes for v = conv + bias (the fused epilogue, src/nn/epilogue.ts): 0 v; 1 max(v, 0),
// a ReLU above; the backward rule of a ReLU below whose output at the same index is m (mask, read
// from m_base): 2 gradient, v where m > 0; 3 deconvnet, v where v > 0; 4 guided, both; 0 elsewhere.
override EPILOGUE: u32 = 0u;
@group(0) @binding(6) var<storage, read> mask: array<f32>;

fn epilogue(v: f32, at: u32) -> f32 {
  if (EPILOGUE == 1u) { return max(v, 0.0); }
  if (EPILOGUE == 0u) { return v; }
  var keep = true;
  if (EPILOGUE != 3u) { keep = mask[p.m_base + at - p.y_base] > 0.0; }
  if (EPILOGUE != 2u) { keep = keep && v > 0.0; }
  return select(0.0, v, keep);
}

// True when rows are whole vec4s starting on a vec4 (the dispatcher's VEC_X) and pad = 1, so that a
// row's 8 middle values are two aligned vec4s.
override VEC_X: bool;

// The 10 input values of one input row that 8 output pixels see: columns ox − pad … ox − pad + 9,
// zero outside the image, as a halo, two vec4s and a halo.
struct Row { h0: f32, q0: vec4f, q1: vec4f, h1: f32 }

fn at(plane: u32, row: i32, column: i32) -> f32 {
  if (row < 0 || row >= i32(p.h) || column < 0 || column >= i32(p.w)) { return 0.0; }
  return x[plane + u32(row) * p.w + u32(column)];
}

fn row_of(plane: u32, row: i32, ox: u32) -> Row {
  var r = Row(0.0, vec4f(0.0), vec4f(0.0), 0.0);
  if (VEC_X && p.pad == 1u) {
    if (row >= 0 && row < i32(p.h)) {
      let start = plane + u32(row) * p.w + ox;
      r.q0 = x4[start / 4u];
      if (ox + 4u < p.w) { r.q1 = x4[start / 4u + 1u]; }
      if (ox > 0u) { r.h0 = x[start - 1u]; }
      if (ox + 8u < p.w) { r.h1 = x[start + 8u]; }
    }
  } else {
    let left = i32(ox) - i32(p.pad);
    r.h0 = at(plane, row, left);
    r.q0 = vec4f(at(plane, row, left + 1), at(plane, row, left + 2), at(plane, row, left + 3), at(plane, row, left + 4));
    r.q1 = vec4f(at(plane, row, left + 5), at(plane, row, left + 6), at(plane, row, left + 7), at(plane, row, left + 8));
    r.h1 = at(plane, row, left + 9);
  }
  return r;
}

// Lane i gets lane i − 1's row (up) or lane i + 1's (down).
fn row_up(r: Row) -> Row {
  return Row(subgroupShuffleUp(r.h0, 1u), subgroupShuffleUp(r.q0, 1u), subgroupShuffleUp(r.q1, 1u), subgroupShuffleUp(r.h1, 1u));
}
fn row_down(r: Row) -> Row {
  return Row(subgroupShuffleDown(r.h0, 1u), subgroupShuffleDown(r.q0, 1u), subgroupShuffleDown(r.q1, 1u), subgroupShuffleDown(r.h1, 1u));
}

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let groups = (p.ow + 7u) / 8u;
  let ox = (wid.x % groups) * 8u;
  let oy = (wid.x / groups) * 8u + lane;
  let k0 = wid.y * 32u;
  let n = wid.z;
  let x_image = p.x_base + n * p.c * p.h * p.w;
  // The input row of this lane's middle kernel row.
  let middle = i32(oy) + 1 - i32(p.pad);
  let step = p.kp / 4u;

  var a0_0 = vec4f(0.0); var a0_1 = vec4f(0.0);
  var a1_0 = vec4f(0.0); var a1_1 = vec4f(0.0);
  var a2_0 = vec4f(0.0); var a2_1 = vec4f(0.0);
  var a3_0 = vec4f(0.0); var a3_1 = vec4f(0.0);
  var a4_0 = vec4f(0.0); var a4_1 = vec4f(0.0);
  var a5_0 = vec4f(0.0); var a5_1 = vec4f(0.0);
  var a6_0 = vec4f(0.0); var a6_1 = vec4f(0.0);
  var a7_0 = vec4f(0.0); var a7_1 = vec4f(0.0);
  var a8_0 = vec4f(0.0); var a8_1 = vec4f(0.0);
  var a9_0 = vec4f(0.0); var a9_1 = vec4f(0.0);
  var a10_0 = vec4f(0.0); var a10_1 = vec4f(0.0);
  var a11_0 = vec4f(0.0); var a11_1 = vec4f(0.0);
  var a12_0 = vec4f(0.0); var a12_1 = vec4f(0.0);
  var a13_0 = vec4f(0.0); var a13_1 = vec4f(0.0);
  var a14_0 = vec4f(0.0); var a14_1 = vec4f(0.0);
  var a15_0 = vec4f(0.0); var a15_1 = vec4f(0.0);
  var a16_0 = vec4f(0.0); var a16_1 = vec4f(0.0);
  var a17_0 = vec4f(0.0); var a17_1 = vec4f(0.0);
  var a18_0 = vec4f(0.0); var a18_1 = vec4f(0.0);
  var a19_0 = vec4f(0.0); var a19_1 = vec4f(0.0);
  var a20_0 = vec4f(0.0); var a20_1 = vec4f(0.0);
  var a21_0 = vec4f(0.0); var a21_1 = vec4f(0.0);
  var a22_0 = vec4f(0.0); var a22_1 = vec4f(0.0);
  var a23_0 = vec4f(0.0); var a23_1 = vec4f(0.0);
  var a24_0 = vec4f(0.0); var a24_1 = vec4f(0.0);
  var a25_0 = vec4f(0.0); var a25_1 = vec4f(0.0);
  var a26_0 = vec4f(0.0); var a26_1 = vec4f(0.0);
  var a27_0 = vec4f(0.0); var a27_1 = vec4f(0.0);
  var a28_0 = vec4f(0.0); var a28_1 = vec4f(0.0);
  var a29_0 = vec4f(0.0); var a29_1 = vec4f(0.0);
  var a30_0 = vec4f(0.0); var a30_1 = vec4f(0.0);
  var a31_0 = vec4f(0.0); var a31_1 = vec4f(0.0);

  for (var c = 0u; c < p.c; c++) {
    let plane = x_image + c * p.h * p.w;
    let own = row_of(plane, middle, ox);
    var edge = Row(0.0, vec4f(0.0), vec4f(0.0), 0.0);
    if (lane == 0u) { edge = row_of(plane, middle - 1, ox); }
    if (lane == 7u) { edge = row_of(plane, middle + 1, ox); }
    var top = row_up(own);
    if (lane == 0u) { top = edge; }
    var bottom = row_down(own);
    if (lane == 7u) { bottom = edge; }
    for (var r = 0u; r < 3u; r++) {
      var q = top;
      if (r == 1u) { q = own; }
      if (r == 2u) { q = bottom; }
      // The three horizontal taps see the pixels shifted by 0, 1 and 2.
      let s0_0 = vec4f(q.h0, q.q0.xyz); let s0_1 = q.q0; let s0_2 = vec4f(q.q0.yzw, q.q1.x);
      let s1_0 = vec4f(q.q0.w, q.q1.xyz); let s1_1 = q.q1; let s1_2 = vec4f(q.q1.yzw, q.h1);
      // Lane j loads vec4 j of the 32 channels' weights for taps 0, 1 and 2 of this kernel row;
      // w<tap>_<vec4> = lane <vec4>'s.
      let tap = ((c * 3u + r) * 3u * p.kp + k0) / 4u;
      let m0 = wt[tap + lane];
      let m1 = wt[tap + step + lane];
      let m2 = wt[tap + 2u * step + lane];
      let w0_0 = subgroupBroadcast(m0, 0u); let w0_1 = subgroupBroadcast(m0, 1u); let w0_2 = subgroupBroadcast(m0, 2u); let w0_3 = subgroupBroadcast(m0, 3u); let w0_4 = subgroupBroadcast(m0, 4u); let w0_5 = subgroupBroadcast(m0, 5u); let w0_6 = subgroupBroadcast(m0, 6u); let w0_7 = subgroupBroadcast(m0, 7u);
      let w1_0 = subgroupBroadcast(m1, 0u); let w1_1 = subgroupBroadcast(m1, 1u); let w1_2 = subgroupBroadcast(m1, 2u); let w1_3 = subgroupBroadcast(m1, 3u); let w1_4 = subgroupBroadcast(m1, 4u); let w1_5 = subgroupBroadcast(m1, 5u); let w1_6 = subgroupBroadcast(m1, 6u); let w1_7 = subgroupBroadcast(m1, 7u);
      let w2_0 = subgroupBroadcast(m2, 0u); let w2_1 = subgroupBroadcast(m2, 1u); let w2_2 = subgroupBroadcast(m2, 2u); let w2_3 = subgroupBroadcast(m2, 3u); let w2_4 = subgroupBroadcast(m2, 4u); let w2_5 = subgroupBroadcast(m2, 5u); let w2_6 = subgroupBroadcast(m2, 6u); let w2_7 = subgroupBroadcast(m2, 7u);
      a0_0 = fma(vec4f(w2_0.x), s0_2, fma(vec4f(w1_0.x), s0_1, fma(vec4f(w0_0.x), s0_0, a0_0))); a0_1 = fma(vec4f(w2_0.x), s1_2, fma(vec4f(w1_0.x), s1_1, fma(vec4f(w0_0.x), s1_0, a0_1)));
      a1_0 = fma(vec4f(w2_0.y), s0_2, fma(vec4f(w1_0.y), s0_1, fma(vec4f(w0_0.y), s0_0, a1_0))); a1_1 = fma(vec4f(w2_0.y), s1_2, fma(vec4f(w1_0.y), s1_1, fma(vec4f(w0_0.y), s1_0, a1_1)));
      a2_0 = fma(vec4f(w2_0.z), s0_2, fma(vec4f(w1_0.z), s0_1, fma(vec4f(w0_0.z), s0_0, a2_0))); a2_1 = fma(vec4f(w2_0.z), s1_2, fma(vec4f(w1_0.z), s1_1, fma(vec4f(w0_0.z), s1_0, a2_1)));
      a3_0 = fma(vec4f(w2_0.w), s0_2, fma(vec4f(w1_0.w), s0_1, fma(vec4f(w0_0.w), s0_0, a3_0))); a3_1 = fma(vec4f(w2_0.w), s1_2, fma(vec4f(w1_0.w), s1_1, fma(vec4f(w0_0.w), s1_0, a3_1)));
      a4_0 = fma(vec4f(w2_1.x), s0_2, fma(vec4f(w1_1.x), s0_1, fma(vec4f(w0_1.x), s0_0, a4_0))); a4_1 = fma(vec4f(w2_1.x), s1_2, fma(vec4f(w1_1.x), s1_1, fma(vec4f(w0_1.x), s1_0, a4_1)));
      a5_0 = fma(vec4f(w2_1.y), s0_2, fma(vec4f(w1_1.y), s0_1, fma(vec4f(w0_1.y), s0_0, a5_0))); a5_1 = fma(vec4f(w2_1.y), s1_2, fma(vec4f(w1_1.y), s1_1, fma(vec4f(w0_1.y), s1_0, a5_1)));
      a6_0 = fma(vec4f(w2_1.z), s0_2, fma(vec4f(w1_1.z), s0_1, fma(vec4f(w0_1.z), s0_0, a6_0))); a6_1 = fma(vec4f(w2_1.z), s1_2, fma(vec4f(w1_1.z), s1_1, fma(vec4f(w0_1.z), s1_0, a6_1)));
      a7_0 = fma(vec4f(w2_1.w), s0_2, fma(vec4f(w1_1.w), s0_1, fma(vec4f(w0_1.w), s0_0, a7_0))); a7_1 = fma(vec4f(w2_1.w), s1_2, fma(vec4f(w1_1.w), s1_1, fma(vec4f(w0_1.w), s1_0, a7_1)));
      a8_0 = fma(vec4f(w2_2.x), s0_2, fma(vec4f(w1_2.x), s0_1, fma(vec4f(w0_2.x), s0_0, a8_0))); a8_1 = fma(vec4f(w2_2.x), s1_2, fma(vec4f(w1_2.x), s1_1, fma(vec4f(w0_2.x), s1_0, a8_1)));
      a9_0 = fma(vec4f(w2_2.y), s0_2, fma(vec4f(w1_2.y), s0_1, fma(vec4f(w0_2.y), s0_0, a9_0))); a9_1 = fma(vec4f(w2_2.y), s1_2, fma(vec4f(w1_2.y), s1_1, fma(vec4f(w0_2.y), s1_0, a9_1)));
      a10_0 = fma(vec4f(w2_2.z), s0_2, fma(vec4f(w1_2.z), s0_1, fma(vec4f(w0_2.z), s0_0, a10_0))); a10_1 = fma(vec4f(w2_2.z), s1_2, fma(vec4f(w1_2.z), s1_1, fma(vec4f(w0_2.z), s1_0, a10_1)));
      a11_0 = fma(vec4f(w2_2.w), s0_2, fma(vec4f(w1_2.w), s0_1, fma(vec4f(w0_2.w), s0_0, a11_0))); a11_1 = fma(vec4f(w2_2.w), s1_2, fma(vec4f(w1_2.w), s1_1, fma(vec4f(w0_2.w), s1_0, a11_1)));
      a12_0 = fma(vec4f(w2_3.x), s0_2, fma(vec4f(w1_3.x), s0_1, fma(vec4f(w0_3.x), s0_0, a12_0))); a12_1 = fma(vec4f(w2_3.x), s1_2, fma(vec4f(w1_3.x), s1_1, fma(vec4f(w0_3.x), s1_0, a12_1)));
      a13_0 = fma(vec4f(w2_3.y), s0_2, fma(vec4f(w1_3.y), s0_1, fma(vec4f(w0_3.y), s0_0, a13_0))); a13_1 = fma(vec4f(w2_3.y), s1_2, fma(vec4f(w1_3.y), s1_1, fma(vec4f(w0_3.y), s1_0, a13_1)));
      a14_0 = fma(vec4f(w2_3.z), s0_2, fma(vec4f(w1_3.z), s0_1, fma(vec4f(w0_3.z), s0_0, a14_0))); a14_1 = fma(vec4f(w2_3.z), s1_2, fma(vec4f(w1_3.z), s1_1, fma(vec4f(w0_3.z), s1_0, a14_1)));
      a15_0 = fma(vec4f(w2_3.w), s0_2, fma(vec4f(w1_3.w), s0_1, fma(vec4f(w0_3.w), s0_0, a15_0))); a15_1 = fma(vec4f(w2_3.w), s1_2, fma(vec4f(w1_3.w), s1_1, fma(vec4f(w0_3.w), s1_0, a15_1)));
      a16_0 = fma(vec4f(w2_4.x), s0_2, fma(vec4f(w1_4.x), s0_1, fma(vec4f(w0_4.x), s0_0, a16_0))); a16_1 = fma(vec4f(w2_4.x), s1_2, fma(vec4f(w1_4.x), s1_1, fma(vec4f(w0_4.x), s1_0, a16_1)));
      a17_0 = fma(vec4f(w2_4.y), s0_2, fma(vec4f(w1_4.y), s0_1, fma(vec4f(w0_4.y), s0_0, a17_0))); a17_1 = fma(vec4f(w2_4.y), s1_2, fma(vec4f(w1_4.y), s1_1, fma(vec4f(w0_4.y), s1_0, a17_1)));
      a18_0 = fma(vec4f(w2_4.z), s0_2, fma(vec4f(w1_4.z), s0_1, fma(vec4f(w0_4.z), s0_0, a18_0))); a18_1 = fma(vec4f(w2_4.z), s1_2, fma(vec4f(w1_4.z), s1_1, fma(vec4f(w0_4.z), s1_0, a18_1)));
      a19_0 = fma(vec4f(w2_4.w), s0_2, fma(vec4f(w1_4.w), s0_1, fma(vec4f(w0_4.w), s0_0, a19_0))); a19_1 = fma(vec4f(w2_4.w), s1_2, fma(vec4f(w1_4.w), s1_1, fma(vec4f(w0_4.w), s1_0, a19_1)));
      a20_0 = fma(vec4f(w2_5.x), s0_2, fma(vec4f(w1_5.x), s0_1, fma(vec4f(w0_5.x), s0_0, a20_0))); a20_1 = fma(vec4f(w2_5.x), s1_2, fma(vec4f(w1_5.x), s1_1, fma(vec4f(w0_5.x), s1_0, a20_1)));
      a21_0 = fma(vec4f(w2_5.y), s0_2, fma(vec4f(w1_5.y), s0_1, fma(vec4f(w0_5.y), s0_0, a21_0))); a21_1 = fma(vec4f(w2_5.y), s1_2, fma(vec4f(w1_5.y), s1_1, fma(vec4f(w0_5.y), s1_0, a21_1)));
      a22_0 = fma(vec4f(w2_5.z), s0_2, fma(vec4f(w1_5.z), s0_1, fma(vec4f(w0_5.z), s0_0, a22_0))); a22_1 = fma(vec4f(w2_5.z), s1_2, fma(vec4f(w1_5.z), s1_1, fma(vec4f(w0_5.z), s1_0, a22_1)));
      a23_0 = fma(vec4f(w2_5.w), s0_2, fma(vec4f(w1_5.w), s0_1, fma(vec4f(w0_5.w), s0_0, a23_0))); a23_1 = fma(vec4f(w2_5.w), s1_2, fma(vec4f(w1_5.w), s1_1, fma(vec4f(w0_5.w), s1_0, a23_1)));
      a24_0 = fma(vec4f(w2_6.x), s0_2, fma(vec4f(w1_6.x), s0_1, fma(vec4f(w0_6.x), s0_0, a24_0))); a24_1 = fma(vec4f(w2_6.x), s1_2, fma(vec4f(w1_6.x), s1_1, fma(vec4f(w0_6.x), s1_0, a24_1)));
      a25_0 = fma(vec4f(w2_6.y), s0_2, fma(vec4f(w1_6.y), s0_1, fma(vec4f(w0_6.y), s0_0, a25_0))); a25_1 = fma(vec4f(w2_6.y), s1_2, fma(vec4f(w1_6.y), s1_1, fma(vec4f(w0_6.y), s1_0, a25_1)));
      a26_0 = fma(vec4f(w2_6.z), s0_2, fma(vec4f(w1_6.z), s0_1, fma(vec4f(w0_6.z), s0_0, a26_0))); a26_1 = fma(vec4f(w2_6.z), s1_2, fma(vec4f(w1_6.z), s1_1, fma(vec4f(w0_6.z), s1_0, a26_1)));
      a27_0 = fma(vec4f(w2_6.w), s0_2, fma(vec4f(w1_6.w), s0_1, fma(vec4f(w0_6.w), s0_0, a27_0))); a27_1 = fma(vec4f(w2_6.w), s1_2, fma(vec4f(w1_6.w), s1_1, fma(vec4f(w0_6.w), s1_0, a27_1)));
      a28_0 = fma(vec4f(w2_7.x), s0_2, fma(vec4f(w1_7.x), s0_1, fma(vec4f(w0_7.x), s0_0, a28_0))); a28_1 = fma(vec4f(w2_7.x), s1_2, fma(vec4f(w1_7.x), s1_1, fma(vec4f(w0_7.x), s1_0, a28_1)));
      a29_0 = fma(vec4f(w2_7.y), s0_2, fma(vec4f(w1_7.y), s0_1, fma(vec4f(w0_7.y), s0_0, a29_0))); a29_1 = fma(vec4f(w2_7.y), s1_2, fma(vec4f(w1_7.y), s1_1, fma(vec4f(w0_7.y), s1_0, a29_1)));
      a30_0 = fma(vec4f(w2_7.z), s0_2, fma(vec4f(w1_7.z), s0_1, fma(vec4f(w0_7.z), s0_0, a30_0))); a30_1 = fma(vec4f(w2_7.z), s1_2, fma(vec4f(w1_7.z), s1_1, fma(vec4f(w0_7.z), s1_0, a30_1)));
      a31_0 = fma(vec4f(w2_7.w), s0_2, fma(vec4f(w1_7.w), s0_1, fma(vec4f(w0_7.w), s0_0, a31_0))); a31_1 = fma(vec4f(w2_7.w), s1_2, fma(vec4f(w1_7.w), s1_1, fma(vec4f(w0_7.w), s1_0, a31_1)));
    }
  }
  if (oy >= p.oh) { return; }
  store(n, k0 + 0u, oy, ox, a0_0, a0_1);
  store(n, k0 + 1u, oy, ox, a1_0, a1_1);
  store(n, k0 + 2u, oy, ox, a2_0, a2_1);
  store(n, k0 + 3u, oy, ox, a3_0, a3_1);
  store(n, k0 + 4u, oy, ox, a4_0, a4_1);
  store(n, k0 + 5u, oy, ox, a5_0, a5_1);
  store(n, k0 + 6u, oy, ox, a6_0, a6_1);
  store(n, k0 + 7u, oy, ox, a7_0, a7_1);
  store(n, k0 + 8u, oy, ox, a8_0, a8_1);
  store(n, k0 + 9u, oy, ox, a9_0, a9_1);
  store(n, k0 + 10u, oy, ox, a10_0, a10_1);
  store(n, k0 + 11u, oy, ox, a11_0, a11_1);
  store(n, k0 + 12u, oy, ox, a12_0, a12_1);
  store(n, k0 + 13u, oy, ox, a13_0, a13_1);
  store(n, k0 + 14u, oy, ox, a14_0, a14_1);
  store(n, k0 + 15u, oy, ox, a15_0, a15_1);
  store(n, k0 + 16u, oy, ox, a16_0, a16_1);
  store(n, k0 + 17u, oy, ox, a17_0, a17_1);
  store(n, k0 + 18u, oy, ox, a18_0, a18_1);
  store(n, k0 + 19u, oy, ox, a19_0, a19_1);
  store(n, k0 + 20u, oy, ox, a20_0, a20_1);
  store(n, k0 + 21u, oy, ox, a21_0, a21_1);
  store(n, k0 + 22u, oy, ox, a22_0, a22_1);
  store(n, k0 + 23u, oy, ox, a23_0, a23_1);
  store(n, k0 + 24u, oy, ox, a24_0, a24_1);
  store(n, k0 + 25u, oy, ox, a25_0, a25_1);
  store(n, k0 + 26u, oy, ox, a26_0, a26_1);
  store(n, k0 + 27u, oy, ox, a27_0, a27_1);
  store(n, k0 + 28u, oy, ox, a28_0, a28_1);
  store(n, k0 + 29u, oy, ox, a29_0, a29_1);
  store(n, k0 + 30u, oy, ox, a30_0, a30_1);
  store(n, k0 + 31u, oy, ox, a31_0, a31_1);
}

// Writes channel k's pixels ox … ox + 7 of row oy (those inside the output), adding the bias, through the epilogue.
fn store(n: u32, k: u32, oy: u32, ox: u32, lo: vec4f, hi: vec4f) {
  if (k >= p.k) { return; }
  let at = p.y_base + ((n * p.k + k) * p.oh + oy) * p.ow + ox;
  let b = bias[k];
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var j = 0u; j < 8u; j++) {
    if (ox + j < p.ow) { y[at + j] = epilogue(v[j] + b, at + j); }
  }
}
