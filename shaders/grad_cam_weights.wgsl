// Grad-CAM's channel weights (Selvaraju et al. 2017): the spatial mean of the score's gradient to each
// feature map, w[n, k] = (1 / (h·w)) Σ_ij ∂S_c/∂A[n, k, i, j].
// dA: (N, K, h, w)  w: (N, K); one invocation per (n, k) plane, summing it in order.

override WG: u32;

struct Params {
  planes: u32, pixels: u32, g_base: u32, w_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let plane = (wid.y * groups.x + wid.x) * WG + lid;
  if (plane >= p.planes) { return; }
  var total = 0.0;
  for (var i = 0u; i < p.pixels; i++) { total += g[p.g_base + plane * p.pixels + i]; }
  w[p.w_base + plane] = total / f32(p.pixels);
}
