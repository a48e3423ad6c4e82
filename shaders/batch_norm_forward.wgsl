// Batch normalisation in inference form, where it could not be folded into a convolution:
// y[n, c, i] = x[n, c, i]·scale[c] + shift[c], with scale = γ/√(var + ε) and shift = β − mean·scale
// computed once at load.
// x, y: (N, C, H, W)  scale, shift: (C). x and y are windows holding `planes` whole planes of H·W values
// starting at plane `plane0` of the tensor, so the channel of local plane q is (plane0 + q) mod C.
// One invocation per element, on a 2-D grid of workgroups.

override WG: u32;

struct Params {
  count: u32, plane: u32, c: u32, plane0: u32,
  x_base: u32, y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> shift: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  let c = (p.plane0 + i / p.plane) % p.c;
  y[p.y_base + i] = x[p.x_base + i] * scale[c] + shift[c];
}
