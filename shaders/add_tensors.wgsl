// Elementwise sum of two tensors: y[i] = a[i] + b[i] over `count` elements (a residual connection).
// a, b and y are windows of larger tensors; the bases locate the range inside each binding.
// One invocation per element, workgroups laid out on a 2-D grid so that more than 65535 of them fit.

override WG: u32;

struct Params {
  count: u32,
  a_base: u32,
  b_base: u32,
  y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  y[p.y_base + i] = a[p.a_base + i] + b[p.b_base + i];
}
