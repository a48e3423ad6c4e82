// conv2d backward to the input fused with the saliency reduction of Simonyan et al. 2014, section 3.1, for
// a network's first conv, whose input is the image: dx as conv2d_backward_input_v8 computes it, and
// map[n, iy, ix] = maxᶜ |dx[n, c, iy, ix]|, in one pass where they took two and a read of dx between.
// dy: (N, K, OH, OW)  wt: (K, S, S, 4), the weight rearranged by conv2d_weight_layout with FLIP and block 4
// (turned 180°, at most 4 input channels, the rest zero): wt[k, S−1−r, S−1−s, c] = w[k, c, r, s]
// dx: (N, C, H, W) and map: (N, H, W), both written; any square kernel, stride and zero padding.
//
// The taps an input pixel gathers depend on its row and column only modulo the stride (see v8), so an
// invocation takes 8 pixels of one row with the same phase, and all C ≤ 4 channels of each as one vec4:
// per output channel and tap, 8 loads of dy and one vec4 of wt feed 8 vec4 FMAs. The sums run in v8's
// order (taps, then output channels), so dx and the map equal v8's dx and saliency_map's map bit for bit.
// The workgroups, on a 2-D grid, cover (row, phase, group of 8) items WG at a time; z is the image.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, size: u32,
  stride: u32, pad_top: u32, pad_left: u32, dy_base: u32,
  dx_base: u32, map_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<storage, read_write> map: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) grid: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  // Each phase holds at most ⌈W/stride⌉ columns, in groups of 8.
  let groups = ((p.w + p.stride - 1u) / p.stride + 7u) / 8u;
  let per_row = p.stride * groups;
  let item = (wid.y * grid.x + wid.x) * WG + lid;
  let valid = item < p.h * per_row;
  let iy = select(0u, item / per_row, valid);
  let phase = select(0u, (item % per_row) / groups, valid);
  let g = select(0u, item % groups, valid);
  // Input pixel j of this invocation: ix0 + j·stride.
  let ix0 = phase + g * 8u * p.stride;
  let n = wid.z;
  let dy_image = p.dy_base + n * p.k * p.oh * p.ow;
  let plane = p.oh * p.ow;
  let taps = p.size * p.size;
  // The first tap of each axis that reads this row / phase; the rest follow every stride.
  let r0 = (iy + p.pad_top) % p.stride;
  let s0 = (phase + p.pad_left) % p.stride;

  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var a2 = vec4f(0.0); var a3 = vec4f(0.0);
  var a4 = vec4f(0.0); var a5 = vec4f(0.0); var a6 = vec4f(0.0); var a7 = vec4f(0.0);

  for (var r = r0; r < p.size; r += p.stride) {
    let ty = i32(iy + p.pad_top) - i32(r);
    if (ty < 0) { break; }
    let oy = u32(ty) / p.stride;
    if (oy >= p.oh) { continue; }
    for (var s = s0; s < p.size; s += p.stride) {
      // Output column of pixel j: first + j (ix0 + pad_left − s is a multiple of the stride).
      let first = (i32(ix0 + p.pad_left) - i32(s)) / i32(p.stride);
      // The 8 pixels' columns of dy, clamped into the row, and which of them lie inside it.
      let cl = vec4i(first) + vec4i(0, 1, 2, 3);
      let ch = cl + vec4i(4);
      let last = vec4i(i32(p.ow) - 1);
      let ml = (cl >= vec4i(0)) & (cl <= last);
      let mh = (ch >= vec4i(0)) & (ch <= last);
      let ol = vec4u(clamp(cl, vec4i(0), last));
      let oh = vec4u(clamp(ch, vec4i(0), last));
      var row_start = dy_image + oy * p.ow;
      var tap = (p.size - 1u - r) * p.size + (p.size - 1u - s);
      for (var k = 0u; k < p.k; k++) {
        let lo = select(vec4f(0.0), vec4f(dy[row_start + ol.x], dy[row_start + ol.y], dy[row_start + ol.z], dy[row_start + ol.w]), ml);
        let hi = select(vec4f(0.0), vec4f(dy[row_start + oh.x], dy[row_start + oh.y], dy[row_start + oh.z], dy[row_start + oh.w]), mh);
        let wv = wt[tap];
        row_start += plane;
        tap += taps;
        a0 = fma(wv, vec4f(lo.x), a0); a1 = fma(wv, vec4f(lo.y), a1);
        a2 = fma(wv, vec4f(lo.z), a2); a3 = fma(wv, vec4f(lo.w), a3);
        a4 = fma(wv, vec4f(hi.x), a4); a5 = fma(wv, vec4f(hi.y), a5);
        a6 = fma(wv, vec4f(hi.z), a6); a7 = fma(wv, vec4f(hi.w), a7);
      }
    }
  }
  if (!valid) { return; }
  let v = array<vec4f, 8>(a0, a1, a2, a3, a4, a5, a6, a7);
  let plane_in = p.h * p.w;
  let dx_row = p.dx_base + n * p.c * plane_in + iy * p.w;
  let map_row = p.map_base + n * plane_in + iy * p.w;
  for (var j = 0u; j < 8u; j++) {
    let ix = ix0 + j * p.stride;
    if (ix >= p.w) { break; }
    var most = 0.0;
    for (var c = 0u; c < p.c; c++) {
      dx[dx_row + c * plane_in + ix] = v[j][c];
      most = max(most, abs(v[j][c]));
    }
    map[map_row + ix] = most;
  }
}
