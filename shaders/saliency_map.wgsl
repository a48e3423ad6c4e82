// The saliency reduction of Simonyan et al. 2014, section 3.1: M[n, i, j] = maxᶜ |g[n, c, i, j]|.
// g: (N, C, H, W) gradient of a class score to the input  m: (N, H, W); one invocation per pixel.

override WG: u32;

struct Params {
  n: u32, c: u32, pixels: u32, g_base: u32,
  m_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.pixels) { return; }
  let pixel = i % p.pixels;
  let n = i / p.pixels;
  var most = 0.0;
  for (var c = 0u; c < p.c; c++) {
    most = max(most, abs(g[p.g_base + (n * p.c + c) * p.pixels + pixel]));
  }
  m[p.m_base + i] = most;
}
