// Grad-CAM's coarse map (Selvaraju et al. 2017): the feature maps weighed by their channel weights,
// summed and rectified, cam[n, i, j] = max(0, Σ_k w[n, k] · A[n, k, i, j]).
// A: (N, K, h, w)  w: (N, K)  cam: (N, h, w); one invocation per pixel, summing the channels in order.

override WG: u32;

struct Params {
  n: u32, k: u32, pixels: u32, a_base: u32,
  w_base: u32, cam_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> cam: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.pixels) { return; }
  let pixel = i % p.pixels;
  let n = i / p.pixels;
  var total = 0.0;
  for (var k = 0u; k < p.k; k++) {
    total += w[p.w_base + n * p.k + k] * a[p.a_base + (n * p.k + k) * p.pixels + pixel];
  }
  cam[p.cam_base + i] = max(total, 0.0);
}
