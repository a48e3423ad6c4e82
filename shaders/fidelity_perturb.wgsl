// The perturbed copies of insertion/deletion fidelity (Petsiuk et al. 2018, as Xplique measures it): for
// each image, K = steps + 1 checkpoints k_0 … k_{K−1} (pixels), and 2K copies of the image:
//   copy j < K    (deletion):  pixel p of every channel is del_value       where rank[p] < k_j, else x;
//   copy K + j    (insertion): pixel p of every channel is x               where rank[p] < k_j, else the
//                              start: ins_value, or start[c, p] when from_copy is 1 (a blurred copy, RISE).
// rank[p] is the place of pixel p in the map's descending order (0: the most salient), so a copy holds
// exactly the k_j top-ranked pixels changed, all channels of a pixel together.
// x, start: (n, C, P)  rank: (n, P) u32  checkpoints: (K) u32  y: (n, 2K, C, P), P = H·W.
// One invocation per element of y, workgroups on a 2-D grid so that more than 65535 of them fit; the
// tensors are windows of larger ones, their bases locate the range inside each binding. The work is a
// compare and a select per element: memory-bound, nothing to tile.

override WG: u32;

struct Params {
  count: u32, x_base: u32, rank_base: u32, ck_base: u32,
  start_base: u32, y_base: u32, pixels: u32, channels: u32,
  copies: u32, from_copy: u32, del_value: f32, ins_value: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> rank: array<u32>;
@group(0) @binding(3) var<storage, read> checkpoints: array<u32>;
@group(0) @binding(4) var<storage, read> start: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  let pixel = i % p.pixels;
  let t = i / p.pixels;
  let c = t % p.channels;
  let u = t / p.channels;
  let j = u % (2u * p.copies);
  let image = u / (2u * p.copies);
  let deletion = j < p.copies;
  let k = checkpoints[p.ck_base + select(j - p.copies, j, deletion)];
  let chosen = rank[p.rank_base + image * p.pixels + pixel] < k;
  let at = (image * p.channels + c) * p.pixels + pixel;
  let value = x[p.x_base + at];
  var empty = p.ins_value;
  if (p.from_copy == 1u) { empty = start[p.start_base + at]; }
  var out: f32;
  if (deletion) {
    out = select(value, p.del_value, chosen);
  } else {
    out = select(empty, value, chosen);
  }
  y[p.y_base + i] = out;
}
