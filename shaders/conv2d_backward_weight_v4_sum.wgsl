// The second pass of conv2d_backward_weight_v4: dw and db are the sums over the splits of `partial`, added
// to what an earlier run of the batch wrote when accumulate = 1 (a batch bound in several windows).
// partial: (SPLITS, K·C·9 + K), each split's dw followed by its db  dw: (K, C, 3, 3)  db: (K)
// One invocation per element of dw and db.

override WG: u32;

struct Params {
  weights: u32, k: u32, splits: u32, accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dbias: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  let stride = p.weights + p.k;
  if (i >= stride) { return; }
  var total = 0.0;
  for (var s = 0u; s < p.splits; s++) { total += partial[s * stride + i]; }
  let keep = p.accumulate == 1u;
  if (i < p.weights) {
    dweight[i] = select(0.0, dweight[i], keep) + total;
  } else {
    dbias[i - p.weights] = select(0.0, dbias[i - p.weights], keep) + total;
  }
}
