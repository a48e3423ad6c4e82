// In-place accumulation: y[i] += x[i] over `count` elements. Where a tensor feeds two consumers its
// gradient is the sum of theirs; the graph adds the second into the first with this kernel. (WebGPU
// cannot bind one buffer both read and read_write in a dispatch, so y = y + x needs its own kernel.)
// x and y are windows of larger tensors; one invocation per element on a 2-D grid of workgroups.

override WG: u32;

struct Params {
  count: u32,
  x_base: u32,
  y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  y[p.y_base + i] += x[p.x_base + i];
}
