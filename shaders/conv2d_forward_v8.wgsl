// conv2d forward, version 8: the general direct convolution, register-blocked: any square kernel, any
// stride, padding on each side (7×7/2 stems, 3×3/2 and 1×1 projections; what versions 3 to 7 do not take).
// x: (N, C, H, W)  wt: (C, S, S, KP), the weight rearranged by conv2d_weight_layout (KP = K rounded up to
// 8)  b: (K)  y: (N, K, OH, OW); y[oy, ox] reads x[oy·stride + r − pad_top, ox·stride + s − pad_left].
//
// An invocation computes 8 output channels × 8 neighbouring pixels of one output row in sixteen vec4
// registers. For each tap (r, s) it works out where its 8 pixels' inputs lie (stride apart, and which
// are padding), then for each input channel reads those 8 values and the tap's 8 weights as two vec4
// loads: 64 FMAs per 10 loads. lavapipe pays for loads lane
// by lane, so that ratio decides its speed; the tiled implicit GEMM (version 2), whose workgroup-memory
// staging and barriers cost more than they save there, ran ResNet-50's shapes at about a tenth of this.
// The workgroups, on a 2-D grid, cover (8-channel block, output row, group of 8 columns) items WG at a
// time, pixels fastest; z is the image. Blocks share workgroups so that a small output (ResNet-50's
// last stage is 7×7, one group of 8 a row) still fills them: with the block in y instead, 25 of 32
// lanes sat idle there and its 1×1/2 1024→2048 projection ran 3× slower.

override WG: u32;
// A 1×1 kernel, stride 1, no padding, rows of whole vec4s starting on a vec4 (ResNet's 1×1 convs at 56×56
// and 28×28): the 8 pixels come in two vec4 loads, 64 FMAs per 4 loads.
override ALIGNED: bool;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, kp: u32,
  size: u32, stride: u32, pad_top: u32, pad_left: u32,
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

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) grid: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let groups = (p.ow + 7u) / 8u;
  let per_block = p.oh * groups;
  let item = (wid.y * grid.x + wid.x) * WG + lid;
  let valid = item < ((p.k + 7u) / 8u) * per_block;
  let block = select(0u, item / per_block, valid);
  let pixel_item = item % per_block;
  let oy = select(0u, pixel_item / groups, valid);
  let ox = select(0u, (pixel_item % groups) * 8u, valid);
  let k0 = block * 8u;
  let n = wid.z;
  let x_image = p.x_base + n * p.c * p.h * p.w;
  let st = i32(p.stride);
  // Input column of pixel j at tap s: first + j·stride + s.
  let first = i32(ox * p.stride) - i32(p.pad_left);
  let plane = p.h * p.w;
  // wt's vec4 step from one input channel to the next at the same tap.
  let tap_step = p.size * p.size * p.kp / 4u;

  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var a2 = vec4f(0.0); var a3 = vec4f(0.0);
  var a4 = vec4f(0.0); var a5 = vec4f(0.0); var a6 = vec4f(0.0); var a7 = vec4f(0.0);
  var b0 = vec4f(0.0); var b1 = vec4f(0.0); var b2 = vec4f(0.0); var b3 = vec4f(0.0);
  var b4 = vec4f(0.0); var b5 = vec4f(0.0); var b6 = vec4f(0.0); var b7 = vec4f(0.0);

  for (var r = 0u; r < p.size; r++) {
    let row = i32(oy * p.stride + r) - i32(p.pad_top);
    if (row < 0 || row >= i32(p.h)) { continue; }
    for (var s = 0u; s < p.size; s++) {
      // The 8 pixels' columns at this tap, clamped into the row, and which of them lie inside it: the
      // same for every input channel, so worked out once here, not per load.
      let col = first + i32(s);
      let cl = vec4i(col, col + st, col + 2 * st, col + 3 * st);
      let ch = cl + vec4i(4 * st);
      let last = vec4i(i32(p.w) - 1);
      let ml = (cl >= vec4i(0)) & (cl <= last);
      let mh = (ch >= vec4i(0)) & (ch <= last);
      let ol = vec4u(clamp(cl, vec4i(0), last));
      let oh = vec4u(clamp(ch, vec4i(0), last));
      var row_start = x_image + u32(row) * p.w;
      var tap = ((r * p.size + s) * p.kp + k0) / 4u;
      for (var c = 0u; c < p.c; c++) {
        var lo: vec4f;
        var hi = vec4f(0.0);
        if (ALIGNED) {
          lo = x4[(row_start + ox) / 4u];
          if (ox + 4u < p.w) { hi = x4[(row_start + ox) / 4u + 1u]; }
        } else {
          lo = select(vec4f(0.0), vec4f(x[row_start + ol.x], x[row_start + ol.y], x[row_start + ol.z], x[row_start + ol.w]), ml);
          hi = select(vec4f(0.0), vec4f(x[row_start + oh.x], x[row_start + oh.y], x[row_start + oh.z], x[row_start + oh.w]), mh);
        }
        let wl = wt[tap];
        let wh = wt[tap + 1u];
        row_start += plane;
        tap += tap_step;
        a0 = fma(vec4f(wl.x), lo, a0);  b0 = fma(vec4f(wl.x), hi, b0);
        a1 = fma(vec4f(wl.y), lo, a1);  b1 = fma(vec4f(wl.y), hi, b1);
        a2 = fma(vec4f(wl.z), lo, a2);  b2 = fma(vec4f(wl.z), hi, b2);
        a3 = fma(vec4f(wl.w), lo, a3);  b3 = fma(vec4f(wl.w), hi, b3);
        a4 = fma(vec4f(wh.x), lo, a4);  b4 = fma(vec4f(wh.x), hi, b4);
        a5 = fma(vec4f(wh.y), lo, a5);  b5 = fma(vec4f(wh.y), hi, b5);
        a6 = fma(vec4f(wh.z), lo, a6);  b6 = fma(vec4f(wh.z), hi, b6);
        a7 = fma(vec4f(wh.w), lo, a7);  b7 = fma(vec4f(wh.w), hi, b7);
      }
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

// Writes channel k's pixels ox … ox + 7 of row oy (those inside the output), adding the bias.
fn store(n: u32, k: u32, oy: u32, ox: u32, lo: vec4f, hi: vec4f) {
  if (k >= p.k) { return; }
  let at = p.y_base + ((n * p.k + k) * p.oh + oy) * p.ow + ox;
  let b = bias[k];
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var j = 0u; j < 8u; j++) {
    if (ox + j < p.ow) { y[at + j] = epilogue(v[j] + b, at + j); }
  }
}
