// conv2d forward, version 9: the 1×1 convolution without padding, any stride, as one matrix product per
// image: y[k, q] = Σ_c wt[c, k]·x[c, pixel of q] + b[k] over the output's grid points q. Also the gradient to
// the input of such a conv (conv2d_backward_input version 9): dx = wᵀ·dy per image, written on the stride grid.
// x: (N, C, H, W)  wt: (C, KP), the weight rearranged by conv2d_weight_layout (KP = K rounded up to 32)
// b: (K)  y: (N, K, OH, OW). The product runs over a grid of GH × GW points, in reading order: point
// (gy, gx) reads x at (gy·IN_STRIDE, gx·IN_STRIDE) and writes y at (gy·OUT_STRIDE, gx·OUT_STRIDE). Forward:
// the grid is the output, IN_STRIDE the conv's stride, OUT_STRIDE 1. Backward to the input: x is dy, wt the
// flipped layout (K, CP), the grid dy's plane, IN_STRIDE 1 and OUT_STRIDE the stride (the caller zeroes dx
// first: the pixels off the grid gather nothing).
//
// An invocation computes 32 output channels × 8 grid points in 64 vec4 registers, as version 7 does for
// 3×3 kernels, and for the same reason: lavapipe pays for every load lane by lane, so work per load
// decides its speed. Per input channel a lane loads its 8 points (two vec4s where the grid is x's plane in
// order, on vec4s) and one vec4 of the 32 channels' weights, and takes the other seven from its subgroup's
// lanes by broadcast: 12 values loaded for 256 FMAs, where version 8's 8 channels × 8 pixels load 16 for 64.
// Taking the plane as one run of points, not rows, lets 14×14 and 7×7 planes use whole vec4s too.
// Needs subgroups of exactly 8 lanes and workgroups of one subgroup (the dispatcher checks); every lane
// stays to the end of the loop, points past the grid store nothing. Channels past K in the last block read
// the zeros the layout pads with. Workgroup x covers 64 points; y is the 32-channel block; z the image.

enable subgroups;

// 1 where the grid points are x's pixels in order (IN_STRIDE 1 and GW = W) and the planes start on vec4s:
// 8 points are two vec4 loads.
override VEC_X: bool;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, kp: u32,
  gh: u32, gw: u32, in_stride: u32, out_stride: u32,
  x_base: u32, y_base: u32, m_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> x4: array<vec4f>;
@group(0) @binding(3) var<storage, read> wt: array<vec4f>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
// What the store writes for v (the fused epilogue, src/nn/epilogue.ts): 0 v; 1 max(v, 0), a ReLU
// above; the backward rule of a ReLU below whose output at the same index is m (mask, read from
// m_base): 2 gradient, v where m > 0; 3 deconvnet, v where v > 0; 4 guided, both; 0 elsewhere.
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

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let points = p.gh * p.gw;
  let p0 = (wid.x * 8u + lane) * 8u;
  let k0 = wid.y * 32u;
  let n = wid.z;
  let plane = p.h * p.w;
  // Where each of the 8 points reads in a plane of x, clamped into the grid (a point past its end reads
  // the last one's pixel and is not stored).
  let last = points - 1u;
  let ql = min(vec4u(p0) + vec4u(0u, 1u, 2u, 3u), vec4u(last));
  let qh = min(vec4u(p0) + vec4u(4u, 5u, 6u, 7u), vec4u(last));
  let al = (ql / p.gw) * p.in_stride * p.w + (ql % p.gw) * p.in_stride;
  let ah = (qh / p.gw) * p.in_stride * p.w + (qh % p.gw) * p.in_stride;
  let whole = p0 + 7u < points;

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

  var row = p.x_base + n * p.c * plane;
  var tap = k0 / 4u + lane;
  let step = p.kp / 4u;
  for (var c = 0u; c < p.c; c++) {
    var v0: vec4f;
    var v1: vec4f;
    if (VEC_X && whole) {
      v0 = x4[(row + p0) / 4u];
      v1 = x4[(row + p0) / 4u + 1u];
    } else {
      v0 = vec4f(x[row + al.x], x[row + al.y], x[row + al.z], x[row + al.w]);
      v1 = vec4f(x[row + ah.x], x[row + ah.y], x[row + ah.z], x[row + ah.w]);
    }
    // Lane j loads vec4 j of the 32 channels' weights; w<j> = lane j's.
    let m = wt[tap];
    row += plane;
    tap += step;
    let w0 = subgroupBroadcast(m, 0u); let w1 = subgroupBroadcast(m, 1u); let w2 = subgroupBroadcast(m, 2u); let w3 = subgroupBroadcast(m, 3u);
    let w4 = subgroupBroadcast(m, 4u); let w5 = subgroupBroadcast(m, 5u); let w6 = subgroupBroadcast(m, 6u); let w7 = subgroupBroadcast(m, 7u);
    a0_0 = fma(vec4f(w0.x), v0, a0_0); a0_1 = fma(vec4f(w0.x), v1, a0_1);
    a1_0 = fma(vec4f(w0.y), v0, a1_0); a1_1 = fma(vec4f(w0.y), v1, a1_1);
    a2_0 = fma(vec4f(w0.z), v0, a2_0); a2_1 = fma(vec4f(w0.z), v1, a2_1);
    a3_0 = fma(vec4f(w0.w), v0, a3_0); a3_1 = fma(vec4f(w0.w), v1, a3_1);
    a4_0 = fma(vec4f(w1.x), v0, a4_0); a4_1 = fma(vec4f(w1.x), v1, a4_1);
    a5_0 = fma(vec4f(w1.y), v0, a5_0); a5_1 = fma(vec4f(w1.y), v1, a5_1);
    a6_0 = fma(vec4f(w1.z), v0, a6_0); a6_1 = fma(vec4f(w1.z), v1, a6_1);
    a7_0 = fma(vec4f(w1.w), v0, a7_0); a7_1 = fma(vec4f(w1.w), v1, a7_1);
    a8_0 = fma(vec4f(w2.x), v0, a8_0); a8_1 = fma(vec4f(w2.x), v1, a8_1);
    a9_0 = fma(vec4f(w2.y), v0, a9_0); a9_1 = fma(vec4f(w2.y), v1, a9_1);
    a10_0 = fma(vec4f(w2.z), v0, a10_0); a10_1 = fma(vec4f(w2.z), v1, a10_1);
    a11_0 = fma(vec4f(w2.w), v0, a11_0); a11_1 = fma(vec4f(w2.w), v1, a11_1);
    a12_0 = fma(vec4f(w3.x), v0, a12_0); a12_1 = fma(vec4f(w3.x), v1, a12_1);
    a13_0 = fma(vec4f(w3.y), v0, a13_0); a13_1 = fma(vec4f(w3.y), v1, a13_1);
    a14_0 = fma(vec4f(w3.z), v0, a14_0); a14_1 = fma(vec4f(w3.z), v1, a14_1);
    a15_0 = fma(vec4f(w3.w), v0, a15_0); a15_1 = fma(vec4f(w3.w), v1, a15_1);
    a16_0 = fma(vec4f(w4.x), v0, a16_0); a16_1 = fma(vec4f(w4.x), v1, a16_1);
    a17_0 = fma(vec4f(w4.y), v0, a17_0); a17_1 = fma(vec4f(w4.y), v1, a17_1);
    a18_0 = fma(vec4f(w4.z), v0, a18_0); a18_1 = fma(vec4f(w4.z), v1, a18_1);
    a19_0 = fma(vec4f(w4.w), v0, a19_0); a19_1 = fma(vec4f(w4.w), v1, a19_1);
    a20_0 = fma(vec4f(w5.x), v0, a20_0); a20_1 = fma(vec4f(w5.x), v1, a20_1);
    a21_0 = fma(vec4f(w5.y), v0, a21_0); a21_1 = fma(vec4f(w5.y), v1, a21_1);
    a22_0 = fma(vec4f(w5.z), v0, a22_0); a22_1 = fma(vec4f(w5.z), v1, a22_1);
    a23_0 = fma(vec4f(w5.w), v0, a23_0); a23_1 = fma(vec4f(w5.w), v1, a23_1);
    a24_0 = fma(vec4f(w6.x), v0, a24_0); a24_1 = fma(vec4f(w6.x), v1, a24_1);
    a25_0 = fma(vec4f(w6.y), v0, a25_0); a25_1 = fma(vec4f(w6.y), v1, a25_1);
    a26_0 = fma(vec4f(w6.z), v0, a26_0); a26_1 = fma(vec4f(w6.z), v1, a26_1);
    a27_0 = fma(vec4f(w6.w), v0, a27_0); a27_1 = fma(vec4f(w6.w), v1, a27_1);
    a28_0 = fma(vec4f(w7.x), v0, a28_0); a28_1 = fma(vec4f(w7.x), v1, a28_1);
    a29_0 = fma(vec4f(w7.y), v0, a29_0); a29_1 = fma(vec4f(w7.y), v1, a29_1);
    a30_0 = fma(vec4f(w7.z), v0, a30_0); a30_1 = fma(vec4f(w7.z), v1, a30_1);
    a31_0 = fma(vec4f(w7.w), v0, a31_0); a31_1 = fma(vec4f(w7.w), v1, a31_1);
  }
  if (p0 >= points) { return; }
  store(n, k0 + 0u, p0, a0_0, a0_1);
  store(n, k0 + 1u, p0, a1_0, a1_1);
  store(n, k0 + 2u, p0, a2_0, a2_1);
  store(n, k0 + 3u, p0, a3_0, a3_1);
  store(n, k0 + 4u, p0, a4_0, a4_1);
  store(n, k0 + 5u, p0, a5_0, a5_1);
  store(n, k0 + 6u, p0, a6_0, a6_1);
  store(n, k0 + 7u, p0, a7_0, a7_1);
  store(n, k0 + 8u, p0, a8_0, a8_1);
  store(n, k0 + 9u, p0, a9_0, a9_1);
  store(n, k0 + 10u, p0, a10_0, a10_1);
  store(n, k0 + 11u, p0, a11_0, a11_1);
  store(n, k0 + 12u, p0, a12_0, a12_1);
  store(n, k0 + 13u, p0, a13_0, a13_1);
  store(n, k0 + 14u, p0, a14_0, a14_1);
  store(n, k0 + 15u, p0, a15_0, a15_1);
  store(n, k0 + 16u, p0, a16_0, a16_1);
  store(n, k0 + 17u, p0, a17_0, a17_1);
  store(n, k0 + 18u, p0, a18_0, a18_1);
  store(n, k0 + 19u, p0, a19_0, a19_1);
  store(n, k0 + 20u, p0, a20_0, a20_1);
  store(n, k0 + 21u, p0, a21_0, a21_1);
  store(n, k0 + 22u, p0, a22_0, a22_1);
  store(n, k0 + 23u, p0, a23_0, a23_1);
  store(n, k0 + 24u, p0, a24_0, a24_1);
  store(n, k0 + 25u, p0, a25_0, a25_1);
  store(n, k0 + 26u, p0, a26_0, a26_1);
  store(n, k0 + 27u, p0, a27_0, a27_1);
  store(n, k0 + 28u, p0, a28_0, a28_1);
  store(n, k0 + 29u, p0, a29_0, a29_1);
  store(n, k0 + 30u, p0, a30_0, a30_1);
  store(n, k0 + 31u, p0, a31_0, a31_1);
}

// Writes channel k's values at grid points p0 … p0 + 7 (those inside the grid), adding the bias.
fn store(n: u32, k: u32, p0: u32, lo: vec4f, hi: vec4f) {
  if (k >= p.k) { return; }
  let image = p.y_base + (n * p.k + k) * p.oh * p.ow;
  let b = bias[k];
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var j = 0u; j < 8u; j++) {
    let q = p0 + j;
    if (q < p.gh * p.gw) {
      let at = image + (q / p.gw) * p.out_stride * p.ow + (q % p.gw) * p.out_stride;
      y[at] = epilogue(v[j] + b, at);
    }
  }
}
