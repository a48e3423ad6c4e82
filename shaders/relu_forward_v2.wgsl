// ReLU forward, version 2: y = max(x, 0) four elements at a time, for tensors whose length and window
// offsets are whole vec4s. On lavapipe each load is paid per lane, so a vec4 load moves four times
// the data of version 1's scalar one for about the same price.

override WG: u32;

struct Params {
  count: u32,
  x_base: u32,
  y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count / 4u) { return; }
  y[p.y_base / 4u + i] = max(x[p.x_base / 4u + i], vec4f(0.0));
}
