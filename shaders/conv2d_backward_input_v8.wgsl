// conv2d backward to the input, version 8: the general register-blocked gather, for any square kernel,
// stride and padding (what the transposed direct kernels, versions 3 to 7, do not take).
// dy: (N, K, OH, OW)  wt: (K, S, S, CP), the weight rearranged by conv2d_weight_layout with FLIP (turned
// 180°, CP = C rounded up to 8): wt[k, S−1−r, S−1−s, c] = w[k, c, r, s]  dx: (N, C, H, W), written.
//
// dx[c, iy, ix] = Σ w[k, c, r, s]·dy[k, oy, ox] over the taps with iy + pad_top − r = oy·stride and
// ix + pad_left − s = ox·stride: each input pixel gathers only the taps that read it, so no atomics, and
// pixels no window reached get zero. Which taps those are depends on iy and ix only modulo the stride, so
// an invocation takes 8 input pixels of one row with the same phase ix mod stride (stride apart; for
// stride 1 simply neighbours): they share their taps, and at each tap read 8 neighbouring values of dy.
// It computes 8 input channels × those 8 pixels in sixteen vec4 registers: 64 FMAs per 10 loads.
// The workgroups, on a 2-D grid, cover (8-channel block, row, phase, group of 8) items WG at a time, the
// pixels fastest; z is the image (blocks share workgroups so that small images still fill them).

override WG: u32;
// A 1×1 kernel, stride 1, no padding, rows of whole vec4s starting on a vec4: the 8 values of dy come in
// two vec4 loads.
override ALIGNED: bool;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, cp: u32,
  size: u32, stride: u32, pad_top: u32, pad_left: u32,
  dy_base: u32, dx_base: u32, m_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(3) var<storage, read> wt: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
// What the store writes for v (the fused epilogue, src/nn/epilogue.ts): 0 v; 1 max(v, 0), a ReLU
// above; the backward rule of a ReLU below whose output at the same index is m (mask, read from
// m_base): 2 gradient, v where m > 0; 3 deconvnet, v where v > 0; 4 guided, both; 0 elsewhere.
override EPILOGUE: u32 = 0u;
@group(0) @binding(5) var<storage, read> mask: array<f32>;

fn epilogue(v: f32, at: u32) -> f32 {
  if (EPILOGUE == 1u) { return max(v, 0.0); }
  if (EPILOGUE == 0u) { return v; }
  var keep = true;
  if (EPILOGUE != 3u) { keep = mask[p.m_base + at - p.dx_base] > 0.0; }
  if (EPILOGUE != 2u) { keep = keep && v > 0.0; }
  return select(0.0, v, keep);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) grid: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  // Each phase holds at most ⌈W/stride⌉ columns, in groups of 8.
  let groups = ((p.w + p.stride - 1u) / p.stride + 7u) / 8u;
  let per_row = p.stride * groups;
  let per_block = p.h * per_row;
  let item = (wid.y * grid.x + wid.x) * WG + lid;
  let valid = item < ((p.c + 7u) / 8u) * per_block;
  let block = select(0u, item / per_block, valid);
  let pixel_item = item % per_block;
  let iy = select(0u, pixel_item / per_row, valid);
  let phase = select(0u, (pixel_item % per_row) / groups, valid);
  let g = select(0u, pixel_item % groups, valid);
  // Input pixel j of this invocation: ix0 + j·stride.
  let ix0 = phase + g * 8u * p.stride;
  let c0 = block * 8u;
  let n = wid.z;
  let dy_image = p.dy_base + n * p.k * p.oh * p.ow;
  let plane = p.oh * p.ow;
  // wt's vec4 step from one output channel to the next at the same tap.
  let tap_step = p.size * p.size * p.cp / 4u;
  // The first tap of each axis that reads this row / phase; the rest follow every stride.
  let r0 = (iy + p.pad_top) % p.stride;
  let s0 = (phase + p.pad_left) % p.stride;

  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var a2 = vec4f(0.0); var a3 = vec4f(0.0);
  var a4 = vec4f(0.0); var a5 = vec4f(0.0); var a6 = vec4f(0.0); var a7 = vec4f(0.0);
  var b0 = vec4f(0.0); var b1 = vec4f(0.0); var b2 = vec4f(0.0); var b3 = vec4f(0.0);
  var b4 = vec4f(0.0); var b5 = vec4f(0.0); var b6 = vec4f(0.0); var b7 = vec4f(0.0);

  for (var r = r0; r < p.size; r += p.stride) {
    let ty = i32(iy + p.pad_top) - i32(r);
    if (ty < 0) { break; }
    let oy = u32(ty) / p.stride;
    if (oy >= p.oh) { continue; }
    for (var s = s0; s < p.size; s += p.stride) {
      // Output column of pixel j: first + j (its input columns are stride apart).
      let first = (i32(ix0 + p.pad_left) - i32(s)) / i32(p.stride);
      // ix0 + pad_left − s is a multiple of the stride, so the division is exact even when negative.
      let flipped = (p.size - 1u - r) * p.size + (p.size - 1u - s);
      // The 8 pixels' columns of dy, clamped into the row, and which of them lie inside it: the same
      // for every output channel, so worked out once here, not per load.
      let cl = vec4i(first) + vec4i(0, 1, 2, 3);
      let ch = cl + vec4i(4);
      let last = vec4i(i32(p.ow) - 1);
      let ml = (cl >= vec4i(0)) & (cl <= last);
      let mh = (ch >= vec4i(0)) & (ch <= last);
      let ol = vec4u(clamp(cl, vec4i(0), last));
      let oh = vec4u(clamp(ch, vec4i(0), last));
      var row_start = dy_image + oy * p.ow;
      var tap = (flipped * p.cp + c0) / 4u;
      for (var k = 0u; k < p.k; k++) {
        var lo: vec4f;
        var hi = vec4f(0.0);
        if (ALIGNED) {
          // first = ix0 here, a multiple of 8.
          lo = dy4[(row_start + ix0) / 4u];
          if (ix0 + 4u < p.ow) { hi = dy4[(row_start + ix0) / 4u + 1u]; }
        } else {
          lo = select(vec4f(0.0), vec4f(dy[row_start + ol.x], dy[row_start + ol.y], dy[row_start + ol.z], dy[row_start + ol.w]), ml);
          hi = select(vec4f(0.0), vec4f(dy[row_start + oh.x], dy[row_start + oh.y], dy[row_start + oh.z], dy[row_start + oh.w]), mh);
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
  store(n, c0, iy, ix0, a0, b0);
  store(n, c0 + 1u, iy, ix0, a1, b1);
  store(n, c0 + 2u, iy, ix0, a2, b2);
  store(n, c0 + 3u, iy, ix0, a3, b3);
  store(n, c0 + 4u, iy, ix0, a4, b4);
  store(n, c0 + 5u, iy, ix0, a5, b5);
  store(n, c0 + 6u, iy, ix0, a6, b6);
  store(n, c0 + 7u, iy, ix0, a7, b7);
}

// Writes channel c's pixels ix0, ix0 + stride, … of row iy (those inside the input).
fn store(n: u32, c: u32, iy: u32, ix0: u32, lo: vec4f, hi: vec4f) {
  if (c >= p.c) { return; }
  let row = p.dx_base + ((n * p.c + c) * p.h + iy) * p.w;
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var j = 0u; j < 8u; j++) {
    let ix = ix0 + j * p.stride;
    if (ix < p.w) { dx[row + ix] = epilogue(v[j], row + ix); }
  }
}
