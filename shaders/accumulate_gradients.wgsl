// Adds a run of one image's copies' gradients to that image's running sums, on the GPU, so that
// SmoothGrad and Integrated Gradients read nothing back per copy:
//   sum[e] ← (fresh ? 0 : sum[e]) + Σ_k g[k, e]      and, with `squares`, squares[e] likewise with g².
// The copies are added one at a time in order, so the sums do not depend on how copies are batched.
// g: (count, size)  sum, squares: (size), size = C·H·W; one invocation per element of the image.

override WG: u32;

struct Params {
  size: u32, count: u32, g_base: u32, sum_base: u32,
  squares_base: u32, fresh: u32, squares: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> sum: array<f32>;
@group(0) @binding(3) var<storage, read_write> squares: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let e = (wid.y * groups.x + wid.x) * WG + lid;
  if (e >= p.size) { return; }
  var total = 0.0;
  var total2 = 0.0;
  if (p.fresh == 0u) {
    total = sum[p.sum_base + e];
    if (p.squares != 0u) { total2 = squares[p.squares_base + e]; }
  }
  for (var k = 0u; k < p.count; k++) {
    let v = g[p.g_base + k * p.size + e];
    total += v;
    total2 += v * v;
  }
  sum[p.sum_base + e] = total;
  if (p.squares != 0u) { squares[p.squares_base + e] = total2; }
}
