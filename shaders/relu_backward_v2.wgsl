// ReLU backward, version 2: the rules of relu_backward four elements at a time, for tensors whose
// length and window offsets are whole vec4s (see relu_forward_v2 for why).
//   RULE 0, gradient: dy where x > 0;  RULE 1, deconvnet: dy where dy > 0;  RULE 2, guided: both.

override WG: u32;
override RULE: u32;

struct Params {
  count: u32,
  x_base: u32,
  dy_base: u32,
  dx_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> dy: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dx: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count / 4u) { return; }
  let g = dy[p.dy_base / 4u + i];
  var keep = vec4<bool>(true);
  if (RULE != 1u) { keep = x[p.x_base / 4u + i] > vec4f(0.0); }
  if (RULE != 0u) { keep = keep & (g > vec4f(0.0)); }
  dx[p.dx_base / 4u + i] = select(vec4f(0.0), g, keep);
}
