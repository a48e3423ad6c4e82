// ReLU backward under one of three rules (Simonyan et al. 2014, section 4; Springenberg et al. 2015),
// chosen when the pipeline is built:
//   RULE 0, gradient:  dx = dy where the forward input x > 0
//   RULE 1, deconvnet: dx = dy where dy > 0 (the forward input is ignored)
//   RULE 2, guided:    dx = dy where x > 0 and dy > 0
// x: forward input, dy: incoming gradient, dx: outgoing gradient, all `count` elements (windows).

override WG: u32;
override RULE: u32;

struct Params {
  count: u32,
  x_base: u32,
  dy_base: u32,
  dx_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  let g = dy[p.dy_base + i];
  var pass_forward = true;
  if (RULE != 1u) { pass_forward = x[p.x_base + i] > 0.0; }
  var pass_backward = true;
  if (RULE != 0u) { pass_backward = g > 0.0; }
  dx[p.dx_base + i] = select(0.0, g, pass_forward && pass_backward);
}
