// Global average pool backward: every value of a plane gets the plane's gradient over its size.
// dy: (N, C)  dx: (N, C, H, W), dx[plane, i] = dy[plane] / (H·W), over the `planes` planes of this dispatch.
// One invocation per element of dx; written, not accumulated.

override WG: u32;

struct Params {
  planes: u32, plane: u32, dy_base: u32, dx_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.planes * p.plane) { return; }
  dx[p.dx_base + i] = dy[p.dy_base + i / p.plane] / f32(p.plane);
}
