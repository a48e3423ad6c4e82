// conv2d backward to the input, version 1: naive, one invocation per input element, gathering from
// every output its pixel fed (a transposed convolution with the kernel flipped).
// dy: (N, K, OH, OW)  w: (K, C, S, S)  dx: (N, C, H, W); stride 1, zero padding `pad`.
// dx is written, not accumulated: in a VGG each input feeds this conv alone.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, size: u32,
  pad: u32, dy_base: u32, dx_base: u32,
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
      let oy = i32(iy + p.pad) - i32(r);
      if (oy < 0 || oy >= i32(p.oh)) { continue; }
      for (var s = 0u; s < p.size; s++) {
        let ox = i32(ix + p.pad) - i32(s);
        if (ox < 0 || ox >= i32(p.ow)) { continue; }
        sum += dy[p.dy_base + ((n * p.k + k) * p.oh + u32(oy)) * p.ow + u32(ox)] * weight[((k * p.c + c) * p.size + r) * p.size + s];
      }
    }
  }
  dx[p.dx_base + i] = sum;
}
