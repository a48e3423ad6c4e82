// conv2d forward, version 4: version 3 with 16 pixels of a row per invocation instead of 8.
// x: (N, C, H, W)  wt: (C, 3, 3, KP), the weight rearranged by conv2d_weight_layout (KP = K rounded
// up to 8)  b: (K)  y: (N, K, OH, OW), stride 1, zero padding `pad`.
//
// An invocation computes 8 output channels × 16 neighbouring pixels of one output row, in 32 vec4
// registers: per input channel and kernel row it reads the 18 input values its pixels see (four vec4s
// and two halo values when the rows are whole vec4s) and the 8×3 weights as six vec4 loads, 384 FMAs
// per 12 loads where version 3 does 192 per 10 (lavapipe pays for every load lane by lane).
// Workgroup x covers (output row, group of 16 columns) pairs, WG at a time; y the 8-channel block;
// z the image.

override WG: u32;
override VEC_X: bool;
// Blocks of input channels each image is split into (split-K, on GPUs that one image leaves idle): z is
// then image · SPLITS + block, x's channels c … of block j are that block's (p.c of them), the weight is
// read from block j's channels on, and y receives the block's partial sums (bias 0, no epilogue), which
// conv2d_split_sum adds up. 1 compiles the offset out.
override SPLITS: u32 = 1u;

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

// x[plane + row·W + column], or 0 outside the image.
fn at(plane: u32, row: i32, column: i32) -> f32 {
  if (row < 0 || row >= i32(p.h) || column < 0 || column >= i32(p.w)) { return 0.0; }
  return x[plane + u32(row) * p.w + u32(column)];
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let groups = (p.ow + 15u) / 16u;
  let item = wid.x * WG + lid;
  let valid = item < p.oh * groups;
  let oy = select(0u, item / groups, valid);
  let ox = select(0u, (item % groups) * 16u, valid);
  let k0 = wid.y * 8u;
  let n = wid.z;
  let x_image = p.x_base + n * p.c * p.h * p.w;
  let left = i32(ox) - i32(p.pad);
  // VEC_X also needs pad = 1, so that the 16 pixels' inputs start at column ox − 1.
  let aligned = VEC_X && p.pad == 1u;

  var a00 = vec4f(0.0); var a01 = vec4f(0.0); var a02 = vec4f(0.0); var a03 = vec4f(0.0); var a04 = vec4f(0.0); var a05 = vec4f(0.0); var a06 = vec4f(0.0); var a07 = vec4f(0.0);
  var a10 = vec4f(0.0); var a11 = vec4f(0.0); var a12 = vec4f(0.0); var a13 = vec4f(0.0); var a14 = vec4f(0.0); var a15 = vec4f(0.0); var a16 = vec4f(0.0); var a17 = vec4f(0.0);
  var a20 = vec4f(0.0); var a21 = vec4f(0.0); var a22 = vec4f(0.0); var a23 = vec4f(0.0); var a24 = vec4f(0.0); var a25 = vec4f(0.0); var a26 = vec4f(0.0); var a27 = vec4f(0.0);
  var a30 = vec4f(0.0); var a31 = vec4f(0.0); var a32 = vec4f(0.0); var a33 = vec4f(0.0); var a34 = vec4f(0.0); var a35 = vec4f(0.0); var a36 = vec4f(0.0); var a37 = vec4f(0.0);

  for (var c = 0u; c < p.c; c++) {
    let plane = x_image + c * p.h * p.w;
    for (var r = 0u; r < 3u; r++) {
      let row = i32(oy + r) - i32(p.pad);
      var q0 = vec4f(0.0); var q1 = vec4f(0.0); var q2 = vec4f(0.0); var q3 = vec4f(0.0);
      var h0 = 0.0;
      var h1 = 0.0;
      if (aligned) {
        if (row >= 0 && row < i32(p.h)) {
          let start = plane + u32(row) * p.w + ox;
          q0 = x4[start / 4u];
          if (ox + 4u < p.w) { q1 = x4[start / 4u + 1u]; }
          if (ox + 8u < p.w) { q2 = x4[start / 4u + 2u]; }
          if (ox + 12u < p.w) { q3 = x4[start / 4u + 3u]; }
          if (ox > 0u) { h0 = x[start - 1u]; }
          if (ox + 16u < p.w) { h1 = x[start + 16u]; }
        }
      } else {
        h0 = at(plane, row, left);
        q0 = vec4f(at(plane, row, left + 1), at(plane, row, left + 2), at(plane, row, left + 3), at(plane, row, left + 4));
        q1 = vec4f(at(plane, row, left + 5), at(plane, row, left + 6), at(plane, row, left + 7), at(plane, row, left + 8));
        q2 = vec4f(at(plane, row, left + 9), at(plane, row, left + 10), at(plane, row, left + 11), at(plane, row, left + 12));
        q3 = vec4f(at(plane, row, left + 13), at(plane, row, left + 14), at(plane, row, left + 15), at(plane, row, left + 16));
        h1 = at(plane, row, left + 17);
      }
      // The three horizontal taps see the pixels shifted by 0, 1 and 2.
      let s00 = vec4f(h0, q0.xyz); let s01 = q0; let s02 = vec4f(q0.yzw, q1.x);
      let s10 = vec4f(q0.w, q1.xyz); let s11 = q1; let s12 = vec4f(q1.yzw, q2.x);
      let s20 = vec4f(q1.w, q2.xyz); let s21 = q2; let s22 = vec4f(q2.yzw, q3.x);
      let s30 = vec4f(q2.w, q3.xyz); let s31 = q3; let s32 = vec4f(q3.yzw, h1);
      let tap = ((((n % SPLITS) * p.c + c) * 3u + r) * 3u * p.kp + k0) / 4u;
      let step = p.kp / 4u;
      let w0l = wt[tap];
      let w0h = wt[tap + 1u];
      let w1l = wt[tap + step];
      let w1h = wt[tap + step + 1u];
      let w2l = wt[tap + 2u * step];
      let w2h = wt[tap + 2u * step + 1u];
      a00 = fma(vec4f(w2l.x), s02, fma(vec4f(w1l.x), s01, fma(vec4f(w0l.x), s00, a00))); a10 = fma(vec4f(w2l.x), s12, fma(vec4f(w1l.x), s11, fma(vec4f(w0l.x), s10, a10))); a20 = fma(vec4f(w2l.x), s22, fma(vec4f(w1l.x), s21, fma(vec4f(w0l.x), s20, a20))); a30 = fma(vec4f(w2l.x), s32, fma(vec4f(w1l.x), s31, fma(vec4f(w0l.x), s30, a30)));
      a01 = fma(vec4f(w2l.y), s02, fma(vec4f(w1l.y), s01, fma(vec4f(w0l.y), s00, a01))); a11 = fma(vec4f(w2l.y), s12, fma(vec4f(w1l.y), s11, fma(vec4f(w0l.y), s10, a11))); a21 = fma(vec4f(w2l.y), s22, fma(vec4f(w1l.y), s21, fma(vec4f(w0l.y), s20, a21))); a31 = fma(vec4f(w2l.y), s32, fma(vec4f(w1l.y), s31, fma(vec4f(w0l.y), s30, a31)));
      a02 = fma(vec4f(w2l.z), s02, fma(vec4f(w1l.z), s01, fma(vec4f(w0l.z), s00, a02))); a12 = fma(vec4f(w2l.z), s12, fma(vec4f(w1l.z), s11, fma(vec4f(w0l.z), s10, a12))); a22 = fma(vec4f(w2l.z), s22, fma(vec4f(w1l.z), s21, fma(vec4f(w0l.z), s20, a22))); a32 = fma(vec4f(w2l.z), s32, fma(vec4f(w1l.z), s31, fma(vec4f(w0l.z), s30, a32)));
      a03 = fma(vec4f(w2l.w), s02, fma(vec4f(w1l.w), s01, fma(vec4f(w0l.w), s00, a03))); a13 = fma(vec4f(w2l.w), s12, fma(vec4f(w1l.w), s11, fma(vec4f(w0l.w), s10, a13))); a23 = fma(vec4f(w2l.w), s22, fma(vec4f(w1l.w), s21, fma(vec4f(w0l.w), s20, a23))); a33 = fma(vec4f(w2l.w), s32, fma(vec4f(w1l.w), s31, fma(vec4f(w0l.w), s30, a33)));
      a04 = fma(vec4f(w2h.x), s02, fma(vec4f(w1h.x), s01, fma(vec4f(w0h.x), s00, a04))); a14 = fma(vec4f(w2h.x), s12, fma(vec4f(w1h.x), s11, fma(vec4f(w0h.x), s10, a14))); a24 = fma(vec4f(w2h.x), s22, fma(vec4f(w1h.x), s21, fma(vec4f(w0h.x), s20, a24))); a34 = fma(vec4f(w2h.x), s32, fma(vec4f(w1h.x), s31, fma(vec4f(w0h.x), s30, a34)));
      a05 = fma(vec4f(w2h.y), s02, fma(vec4f(w1h.y), s01, fma(vec4f(w0h.y), s00, a05))); a15 = fma(vec4f(w2h.y), s12, fma(vec4f(w1h.y), s11, fma(vec4f(w0h.y), s10, a15))); a25 = fma(vec4f(w2h.y), s22, fma(vec4f(w1h.y), s21, fma(vec4f(w0h.y), s20, a25))); a35 = fma(vec4f(w2h.y), s32, fma(vec4f(w1h.y), s31, fma(vec4f(w0h.y), s30, a35)));
      a06 = fma(vec4f(w2h.z), s02, fma(vec4f(w1h.z), s01, fma(vec4f(w0h.z), s00, a06))); a16 = fma(vec4f(w2h.z), s12, fma(vec4f(w1h.z), s11, fma(vec4f(w0h.z), s10, a16))); a26 = fma(vec4f(w2h.z), s22, fma(vec4f(w1h.z), s21, fma(vec4f(w0h.z), s20, a26))); a36 = fma(vec4f(w2h.z), s32, fma(vec4f(w1h.z), s31, fma(vec4f(w0h.z), s30, a36)));
      a07 = fma(vec4f(w2h.w), s02, fma(vec4f(w1h.w), s01, fma(vec4f(w0h.w), s00, a07))); a17 = fma(vec4f(w2h.w), s12, fma(vec4f(w1h.w), s11, fma(vec4f(w0h.w), s10, a17))); a27 = fma(vec4f(w2h.w), s22, fma(vec4f(w1h.w), s21, fma(vec4f(w0h.w), s20, a27))); a37 = fma(vec4f(w2h.w), s32, fma(vec4f(w1h.w), s31, fma(vec4f(w0h.w), s30, a37)));
    }
  }
  if (!valid) { return; }
  store(n, k0 + 0u, oy, ox, a00, a10, a20, a30);
  store(n, k0 + 1u, oy, ox, a01, a11, a21, a31);
  store(n, k0 + 2u, oy, ox, a02, a12, a22, a32);
  store(n, k0 + 3u, oy, ox, a03, a13, a23, a33);
  store(n, k0 + 4u, oy, ox, a04, a14, a24, a34);
  store(n, k0 + 5u, oy, ox, a05, a15, a25, a35);
  store(n, k0 + 6u, oy, ox, a06, a16, a26, a36);
  store(n, k0 + 7u, oy, ox, a07, a17, a27, a37);
}

// Writes channel k's pixels ox … ox + 15 of row oy (those inside the output), adding the bias, through the epilogue.
fn store(n: u32, k: u32, oy: u32, ox: u32, v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) {
  if (k >= p.k) { return; }
  let at = p.y_base + ((n * p.k + k) * p.oh + oy) * p.ow + ox;
  let b = bias[k];
  let v = array<f32, 16>(v0.x, v0.y, v0.z, v0.w, v1.x, v1.y, v1.z, v1.w, v2.x, v2.y, v2.z, v2.w, v3.x, v3.y, v3.z, v3.w);
  for (var j = 0u; j < 16u; j++) {
    if (ox + j < p.ow) { y[at + j] = epilogue(v[j] + b, at + j); }
  }
}
