// conv2d backward to the input, version 1: naive, one invocation per input element, gathering from
// every output its pixel fed (a transposed convolution with the kernel flipped).
// dy: (N, K, OH, OW)  w: (K, C, S, S)  dx: (N, C, H, W); stride `stride`, zero padding `pad_top` rows
// above and `pad_left` columns to the left. Input pixel iy was read by tap r of output row
// oy = (iy + pad_top − r)/stride where that division is exact (a gather, no atomics); likewise columns.
// dx is written, not accumulated: where x feeds two consumers the caller sums their gradients.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, size: u32,
  pad_top: u32, dy_base: u32, dx_base: u32, stride: u32,
  pad_left: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.c * p.h * p.w) { return; }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let c = (i / (p.w * p.h)) % p.c;
  let n = i / (p.w * p.h * p.c);
  var sum = 0.0;
  for (var k = 0u; k < p.k; k++) {
    for (var r = 0u; r < p.size; r++) {
      let ty = i32(iy + p.pad_top) - i32(r);
      if (ty < 0 || u32(ty) % p.stride != 0u) { continue; }
      let oy = u32(ty) / p.stride;
      if (oy >= p.oh) { continue; }
      for (var s = 0u; s < p.size; s++) {
        let tx = i32(ix + p.pad_left) - i32(s);
        if (tx < 0 || u32(tx) % p.stride != 0u) { continue; }
        let ox = u32(tx) / p.stride;
        if (ox >= p.ow) { continue; }
        sum += dy[p.dy_base + ((n * p.k + k) * p.oh + oy) * p.ow + ox] * weight[((k * p.c + c) * p.size + r) * p.size + s];
      }
    }
  }
  dx[p.dx_base + i] = sum;
}
