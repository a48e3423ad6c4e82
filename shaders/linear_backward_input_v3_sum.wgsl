// The second pass of linear_backward_input_v3: dx[n, :] = Σ_b partial[b, n, :] over the weight window's
// row blocks, added to what an earlier window wrote when accumulate = 1 (the weight bound in windows).
// partial: (BLOCKS, N, IN)  dx: (N, IN); one invocation per vec4 of dx.

override WG: u32;

struct Params {
  n: u32, quads: u32, blocks: u32, dx_base: u32, accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partial: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  let size = p.n * p.quads;
  if (i >= size) { return; }
  var total = vec4f(0.0);
  for (var b = 0u; b < p.blocks; b++) { total += partial[b * size + i]; }
  let at = p.dx_base / 4u + i;
  dx[at] = select(vec4f(0.0), dx[at], p.accumulate == 1u) + total;
}
