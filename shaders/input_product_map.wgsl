// The map of an attribution that weighs the gradient by the input's distance from a baseline:
//   M[n, i, j] = maxᶜ |scale · (x[n, c, i, j] − b) · g[n, c, i, j]|.
// Gradient × input is b = 0, scale = 1 with g = ∂S_c/∂x; Integrated Gradients is b the baseline,
// scale = 1/m with g the sum of the m midpoint gradients.
// x, g: (N, C, H, W)  M: (N, H, W); one invocation per pixel.

override WG: u32;

struct Params {
  n: u32, c: u32, pixels: u32, x_base: u32,
  g_base: u32, m_base: u32, baseline: f32, scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.pixels) { return; }
  let pixel = i % p.pixels;
  let n = i / p.pixels;
  var most = 0.0;
  for (var c = 0u; c < p.c; c++) {
    let at = (n * p.c + c) * p.pixels + pixel;
    most = max(most, abs(p.scale * (x[p.x_base + at] - p.baseline) * g[p.g_base + at]));
  }
  m[p.m_base + i] = most;
}
