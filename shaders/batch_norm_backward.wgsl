// Batch normalisation (inference form) backward to the input: dx[n, c, i] = dy[n, c, i]·scale[c].
// dy, dx: (N, C, H, W)  scale: (C). dy and dx are windows holding `planes` whole planes starting at plane
// `plane0`, so the channel of local plane q is (plane0 + q) mod C. dx is written, not accumulated.
// One invocation per element, on a 2-D grid of workgroups.

override WG: u32;

struct Params {
  count: u32, plane: u32, c: u32, plane0: u32,
  dy_base: u32, dx_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  dx[p.dx_base + i] = dy[p.dy_base + i] * scale[(p.plane0 + i / p.plane) % p.c];
}
