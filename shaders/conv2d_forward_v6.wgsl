// conv2d forward, version 6: 16 output channels × 8 neighbouring pixels of one output row an
// invocation, in 32 vec4 registers, the weights loaded through the subgroup as in version 5.
// x: (N, C, H, W)  wt: (C, 3, 3, KP), the weight rearranged by conv2d_weight_layout (KP = K rounded
// up to 8)  b: (K)  y: (N, K, OH, OW), stride 1, zero padding `pad`.
//
// Once the subgroup shares the weight loads, the input loads are what lavapipe pays for lane by lane:
// per input channel and kernel row version 5 reads 18 input values a lane for 384 FMAs, this one 10,
// and its 12 weight vec4s in two subgroup loads. Channels past K in the last 16-channel block read
// whatever lies past KP in the weight row (or the array's last element) and are never stored.
// Needs subgroups of 8 (the dispatcher checks) with every lane active at the loop: no invocation
// returns before the stores. Workgroup x covers (output row, group of 8 columns) pairs, WG at a time;
// y the 16-channel block; z the image.

enable subgroups;

override WG: u32;
override VEC_X: bool;

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
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_invocation_id) lane: u32) {
  let groups = (p.ow + 7u) / 8u;
  let item = wid.x * WG + lid;
  let valid = item < p.oh * groups;
  let oy = select(0u, item / groups, valid);
  let ox = select(0u, (item % groups) * 8u, valid);
  let k0 = wid.y * 16u;
  let n = wid.z;
  let x_image = p.x_base + n * p.c * p.h * p.w;
  let left = i32(ox) - i32(p.pad);
  // VEC_X also needs pad = 1, so that the 8 pixels' inputs start at column ox − 1.
  let aligned = VEC_X && p.pad == 1u;

  var a0 = vec4f(0.0); var b0 = vec4f(0.0);
  var a1 = vec4f(0.0); var b1 = vec4f(0.0);
  var a2 = vec4f(0.0); var b2 = vec4f(0.0);
  var a3 = vec4f(0.0); var b3 = vec4f(0.0);
  var a4 = vec4f(0.0); var b4 = vec4f(0.0);
  var a5 = vec4f(0.0); var b5 = vec4f(0.0);
  var a6 = vec4f(0.0); var b6 = vec4f(0.0);
  var a7 = vec4f(0.0); var b7 = vec4f(0.0);
  var a8 = vec4f(0.0); var b8 = vec4f(0.0);
  var a9 = vec4f(0.0); var b9 = vec4f(0.0);
  var a10 = vec4f(0.0); var b10 = vec4f(0.0);
  var a11 = vec4f(0.0); var b11 = vec4f(0.0);
  var a12 = vec4f(0.0); var b12 = vec4f(0.0);
  var a13 = vec4f(0.0); var b13 = vec4f(0.0);
  var a14 = vec4f(0.0); var b14 = vec4f(0.0);
  var a15 = vec4f(0.0); var b15 = vec4f(0.0);

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
      let tap = ((c * 3u + r) * 3u * p.kp + k0) / 4u;
      let step = p.kp / 4u;
      // Lane j loads vec4 j % 4 of the 16 channels' taps j / 4 (m0) and of tap 2 (m1), w<tap><vec4>.
      let j = lane % 8u;
      let m0 = wt[tap + (j / 4u) * step + j % 4u];
      let m1 = wt[tap + 2u * step + j % 4u];
      let w00 = subgroupBroadcast(m0, 0u);
      let w01 = subgroupBroadcast(m0, 1u);
      let w02 = subgroupBroadcast(m0, 2u);
      let w03 = subgroupBroadcast(m0, 3u);
      let w10 = subgroupBroadcast(m0, 4u);
      let w11 = subgroupBroadcast(m0, 5u);
      let w12 = subgroupBroadcast(m0, 6u);
      let w13 = subgroupBroadcast(m0, 7u);
      let w20 = subgroupBroadcast(m1, 0u);
      let w21 = subgroupBroadcast(m1, 1u);
      let w22 = subgroupBroadcast(m1, 2u);
      let w23 = subgroupBroadcast(m1, 3u);
      a0 = fma(vec4f(w20.x), l2, fma(vec4f(w10.x), l1, fma(vec4f(w00.x), l0, a0))); b0 = fma(vec4f(w20.x), u2, fma(vec4f(w10.x), u1, fma(vec4f(w00.x), u0, b0)));
      a1 = fma(vec4f(w20.y), l2, fma(vec4f(w10.y), l1, fma(vec4f(w00.y), l0, a1))); b1 = fma(vec4f(w20.y), u2, fma(vec4f(w10.y), u1, fma(vec4f(w00.y), u0, b1)));
      a2 = fma(vec4f(w20.z), l2, fma(vec4f(w10.z), l1, fma(vec4f(w00.z), l0, a2))); b2 = fma(vec4f(w20.z), u2, fma(vec4f(w10.z), u1, fma(vec4f(w00.z), u0, b2)));
      a3 = fma(vec4f(w20.w), l2, fma(vec4f(w10.w), l1, fma(vec4f(w00.w), l0, a3))); b3 = fma(vec4f(w20.w), u2, fma(vec4f(w10.w), u1, fma(vec4f(w00.w), u0, b3)));
      a4 = fma(vec4f(w21.x), l2, fma(vec4f(w11.x), l1, fma(vec4f(w01.x), l0, a4))); b4 = fma(vec4f(w21.x), u2, fma(vec4f(w11.x), u1, fma(vec4f(w01.x), u0, b4)));
      a5 = fma(vec4f(w21.y), l2, fma(vec4f(w11.y), l1, fma(vec4f(w01.y), l0, a5))); b5 = fma(vec4f(w21.y), u2, fma(vec4f(w11.y), u1, fma(vec4f(w01.y), u0, b5)));
      a6 = fma(vec4f(w21.z), l2, fma(vec4f(w11.z), l1, fma(vec4f(w01.z), l0, a6))); b6 = fma(vec4f(w21.z), u2, fma(vec4f(w11.z), u1, fma(vec4f(w01.z), u0, b6)));
      a7 = fma(vec4f(w21.w), l2, fma(vec4f(w11.w), l1, fma(vec4f(w01.w), l0, a7))); b7 = fma(vec4f(w21.w), u2, fma(vec4f(w11.w), u1, fma(vec4f(w01.w), u0, b7)));
      a8 = fma(vec4f(w22.x), l2, fma(vec4f(w12.x), l1, fma(vec4f(w02.x), l0, a8))); b8 = fma(vec4f(w22.x), u2, fma(vec4f(w12.x), u1, fma(vec4f(w02.x), u0, b8)));
      a9 = fma(vec4f(w22.y), l2, fma(vec4f(w12.y), l1, fma(vec4f(w02.y), l0, a9))); b9 = fma(vec4f(w22.y), u2, fma(vec4f(w12.y), u1, fma(vec4f(w02.y), u0, b9)));
      a10 = fma(vec4f(w22.z), l2, fma(vec4f(w12.z), l1, fma(vec4f(w02.z), l0, a10))); b10 = fma(vec4f(w22.z), u2, fma(vec4f(w12.z), u1, fma(vec4f(w02.z), u0, b10)));
      a11 = fma(vec4f(w22.w), l2, fma(vec4f(w12.w), l1, fma(vec4f(w02.w), l0, a11))); b11 = fma(vec4f(w22.w), u2, fma(vec4f(w12.w), u1, fma(vec4f(w02.w), u0, b11)));
      a12 = fma(vec4f(w23.x), l2, fma(vec4f(w13.x), l1, fma(vec4f(w03.x), l0, a12))); b12 = fma(vec4f(w23.x), u2, fma(vec4f(w13.x), u1, fma(vec4f(w03.x), u0, b12)));
      a13 = fma(vec4f(w23.y), l2, fma(vec4f(w13.y), l1, fma(vec4f(w03.y), l0, a13))); b13 = fma(vec4f(w23.y), u2, fma(vec4f(w13.y), u1, fma(vec4f(w03.y), u0, b13)));
      a14 = fma(vec4f(w23.z), l2, fma(vec4f(w13.z), l1, fma(vec4f(w03.z), l0, a14))); b14 = fma(vec4f(w23.z), u2, fma(vec4f(w13.z), u1, fma(vec4f(w03.z), u0, b14)));
      a15 = fma(vec4f(w23.w), l2, fma(vec4f(w13.w), l1, fma(vec4f(w03.w), l0, a15))); b15 = fma(vec4f(w23.w), u2, fma(vec4f(w13.w), u1, fma(vec4f(w03.w), u0, b15)));
    }
  }
  if (!valid) { return; }
  store(n, k0 + 0u, oy, ox, a0, b0);
  store(n, k0 + 1u, oy, ox, a1, b1);
  store(n, k0 + 2u, oy, ox, a2, b2);
  store(n, k0 + 3u, oy, ox, a3, b3);
  store(n, k0 + 4u, oy, ox, a4, b4);
  store(n, k0 + 5u, oy, ox, a5, b5);
  store(n, k0 + 6u, oy, ox, a6, b6);
  store(n, k0 + 7u, oy, ox, a7, b7);
  store(n, k0 + 8u, oy, ox, a8, b8);
  store(n, k0 + 9u, oy, ox, a9, b9);
  store(n, k0 + 10u, oy, ox, a10, b10);
  store(n, k0 + 11u, oy, ox, a11, b11);
  store(n, k0 + 12u, oy, ox, a12, b12);
  store(n, k0 + 13u, oy, ox, a13, b13);
  store(n, k0 + 14u, oy, ox, a14, b14);
  store(n, k0 + 15u, oy, ox, a15, b15);

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
