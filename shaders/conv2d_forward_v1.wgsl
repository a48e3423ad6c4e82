// conv2d forward, version 1: the naive kernel, one invocation per output element. Kept as the
// plain-loop baseline that the tiled version is tested and benchmarked against.
// x: (N, C, H, W)  w: (K, C, S, S)  b: (K)  y: (N, K, OH, OW), stride `stride` on both axes, zero
// padding `pad_top` rows above and `pad_left` columns to the left (the bottom and right padding only
// set OH and OW, which the dispatcher computes): y[oy, ox] reads x[oy·stride + r − pad_top, ox·stride + s − pad_left].
// x and y are windows holding the N images of this dispatch; w and b are bound whole.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, size: u32,
  pad_top: u32, x_base: u32, y_base: u32, stride: u32,
  pad_left: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.k * p.oh * p.ow) { return; }
  let ox = i % p.ow;
  let oy = (i / p.ow) % p.oh;
  let k = (i / (p.ow * p.oh)) % p.k;
  let n = i / (p.ow * p.oh * p.k);
  var sum = bias[k];
  for (var c = 0u; c < p.c; c++) {
    for (var r = 0u; r < p.size; r++) {
      let iy = i32(oy * p.stride + r) - i32(p.pad_top);
      if (iy < 0 || iy >= i32(p.h)) { continue; }
      for (var s = 0u; s < p.size; s++) {
        let ix = i32(ox * p.stride + s) - i32(p.pad_left);
        if (ix < 0 || ix >= i32(p.w)) { continue; }
        sum += x[p.x_base + ((n * p.c + c) * p.h + u32(iy)) * p.w + u32(ix)] * weight[((k * p.c + c) * p.size + r) * p.size + s];
      }
    }
  }
  y[p.y_base + i] = sum;
}
