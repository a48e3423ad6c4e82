// conv2d forward, version 3: direct 3×3 convolution, register-blocked, with vector loads.
// x: (N, C, H, W)  wt: (C, 3, 3, KP), the weight rearranged by conv2d_weight_layout (KP = K rounded
// up to 8)  b: (K)  y: (N, K, OH, OW), stride 1, zero padding `pad`.
//
// An invocation computes 8 output channels × 8 neighbouring pixels of one output row, in sixteen vec4
// registers. For each input channel and kernel row it reads the 10 input values its pixels see and
// the 8×3 weights it needs as six vec4 loads. lavapipe runs a workgroup's invocations as the SIMD
// lanes of one CPU thread and pays for every load lane by lane, uniform or not, so what decides speed
// there is FMAs per load: 192 per 16 loads here. Spelling the sums as fma() measured a little faster. When the rows are a whole number of vec4s
// (VEC_X = 1) the 8 pixels come in two vec4 loads, leaving two scalar loads for the halo.
// Workgroup x covers (output row, group of 8 columns) pairs, WG at a time; y the 8-channel block;
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
  let groups = (p.ow + 7u) / 8u;
  let item = wid.x * WG + lid;
  let valid = item < p.oh * groups;
  let oy = select(0u, item / groups, valid);
  let ox = select(0u, (item % groups) * 8u, valid);
  let k0 = wid.y * 8u;
  let n = wid.z;
  let x_image = p.x_base + n * p.c * p.h * p.w;
  let left = i32(ox) - i32(p.pad);
  // VEC_X also needs pad = 1, so that the 8 pixels' inputs start at column ox − 1.
  let aligned = VEC_X && p.pad == 1u;

  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var a2 = vec4f(0.0); var a3 = vec4f(0.0);
  var a4 = vec4f(0.0); var a5 = vec4f(0.0); var a6 = vec4f(0.0); var a7 = vec4f(0.0);
  var b0 = vec4f(0.0); var b1 = vec4f(0.0); var b2 = vec4f(0.0); var b3 = vec4f(0.0);
  var b4 = vec4f(0.0); var b5 = vec4f(0.0); var b6 = vec4f(0.0); var b7 = vec4f(0.0);

  for (var c = 0u; c < p.c; c++) {
    let plane = x_image + c * p.h * p.w;
    for (var r = 0u; r < 3u; r++) {
      let row = i32(oy + r) - i32(p.pad);
      var lo = vec4f(0.0);
      var hi = vec4f(0.0);
      var h0 = 0.0;
      var h1 = 0.0;
      if (aligned) {
        if (row >= 0 && row < i32(p.h)) {
          let start = plane + u32(row) * p.w + ox;
          lo = x4[start / 4u];
          if (ox + 4u < p.w) { hi = x4[start / 4u + 1u]; }
          if (ox > 0u) { h0 = x[start - 1u]; }
          if (ox + 8u < p.w) { h1 = x[start + 8u]; }
        }
      } else {
        h0 = at(plane, row, left);
        lo = vec4f(at(plane, row, left + 1), at(plane, row, left + 2), at(plane, row, left + 3), at(plane, row, left + 4));
        hi = vec4f(at(plane, row, left + 5), at(plane, row, left + 6), at(plane, row, left + 7), at(plane, row, left + 8));
        h1 = at(plane, row, left + 9);
      }
      // The three horizontal taps see the pixels shifted by 0, 1 and 2.
      let l0 = vec4f(h0, lo.xyz);
      let l1 = lo;
      let l2 = vec4f(lo.yzw, hi.x);
      let u0 = vec4f(lo.w, hi.xyz);
      let u1 = hi;
      let u2 = vec4f(hi.yzw, h1);
      let tap = ((((n % SPLITS) * p.c + c) * 3u + r) * 3u * p.kp + k0) / 4u;
      let step = p.kp / 4u;
      let w0l = wt[tap];
      let w0h = wt[tap + 1u];
      let w1l = wt[tap + step];
      let w1h = wt[tap + step + 1u];
      let w2l = wt[tap + 2u * step];
      let w2h = wt[tap + 2u * step + 1u];
      a0 = fma(vec4f(w2l.x), l2, fma(vec4f(w1l.x), l1, fma(vec4f(w0l.x), l0, a0)));  b0 = fma(vec4f(w2l.x), u2, fma(vec4f(w1l.x), u1, fma(vec4f(w0l.x), u0, b0)));
      a1 = fma(vec4f(w2l.y), l2, fma(vec4f(w1l.y), l1, fma(vec4f(w0l.y), l0, a1)));  b1 = fma(vec4f(w2l.y), u2, fma(vec4f(w1l.y), u1, fma(vec4f(w0l.y), u0, b1)));
      a2 = fma(vec4f(w2l.z), l2, fma(vec4f(w1l.z), l1, fma(vec4f(w0l.z), l0, a2)));  b2 = fma(vec4f(w2l.z), u2, fma(vec4f(w1l.z), u1, fma(vec4f(w0l.z), u0, b2)));
      a3 = fma(vec4f(w2l.w), l2, fma(vec4f(w1l.w), l1, fma(vec4f(w0l.w), l0, a3)));  b3 = fma(vec4f(w2l.w), u2, fma(vec4f(w1l.w), u1, fma(vec4f(w0l.w), u0, b3)));
      a4 = fma(vec4f(w2h.x), l2, fma(vec4f(w1h.x), l1, fma(vec4f(w0h.x), l0, a4)));  b4 = fma(vec4f(w2h.x), u2, fma(vec4f(w1h.x), u1, fma(vec4f(w0h.x), u0, b4)));
      a5 = fma(vec4f(w2h.y), l2, fma(vec4f(w1h.y), l1, fma(vec4f(w0h.y), l0, a5)));  b5 = fma(vec4f(w2h.y), u2, fma(vec4f(w1h.y), u1, fma(vec4f(w0h.y), u0, b5)));
      a6 = fma(vec4f(w2h.z), l2, fma(vec4f(w1h.z), l1, fma(vec4f(w0h.z), l0, a6)));  b6 = fma(vec4f(w2h.z), u2, fma(vec4f(w1h.z), u1, fma(vec4f(w0h.z), u0, b6)));
      a7 = fma(vec4f(w2h.w), l2, fma(vec4f(w1h.w), l1, fma(vec4f(w0h.w), l0, a7)));  b7 = fma(vec4f(w2h.w), u2, fma(vec4f(w1h.w), u1, fma(vec4f(w0h.w), u0, b7)));
    }
  }
  if (!valid) { return; }
  store(n, k0, oy, ox, a0, b0);
  store(n, k0 + 1u, oy, ox, a1, b1);
  store(n, k0 + 2u, oy, ox, a2, b2);
  store(n, k0 + 3u, oy, ox, a3, b3);
  store(n, k0 + 4u, oy, ox, a4, b4);
  store(n, k0 + 5u, oy, ox, a5, b5);
  store(n, k0 + 6u, oy, ox, a6, b6);
  store(n, k0 + 7u, oy, ox, a7, b7);
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
