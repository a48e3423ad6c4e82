// The second pass of a direct convolution split over its input channels (split-K, on GPUs that a batch's
// outputs leave idle): y = epilogue(Σ_s partial[s] + bias).
// partial: (N · S, K, OH, OW), image i's block j at i · S + j  bias: (K)  y: (N, K, OH, OW)  mask: as y.
// One invocation an output element, summing the S blocks in order (j = 0 first), adding the bias, then
// storing through the fused epilogue as the direct kernels do, so a ReLU or a ReLU rule costs no pass of
// its own.

override WG: u32;
// What the store writes for v = Σ partials + bias (src/nn/epilogue.ts): 0 v; 1 max(v, 0), a ReLU above;
// the backward rule of a ReLU below whose output at the same index is m: 2 gradient, v where m > 0;
// 3 deconvnet, v where v > 0; 4 guided, both; 0 elsewhere.
override EPILOGUE: u32 = 0u;

struct Params {
  // Elements of one image's output (K · OH · OW), of one plane (OH · OW), and of all images.
  count: u32, plane: u32, total: u32, splits: u32,
  p_base: u32, y_base: u32, m_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.total) { return; }
  let image = i / p.count;
  let e = i % p.count;
  var v = 0.0;
  for (var s = 0u; s < p.splits; s++) { v += partial[p.p_base + (image * p.splits + s) * p.count + e]; }
  y[p.y_base + i] = epilogue(v + bias[e / p.plane], i);
}

fn epilogue(v: f32, i: u32) -> f32 {
  if (EPILOGUE == 1u) { return max(v, 0.0); }
  if (EPILOGUE == 0u) { return v; }
  var keep = true;
  if (EPILOGUE != 3u) { keep = mask[p.m_base + i] > 0.0; }
  if (EPILOGUE != 2u) { keep = keep && v > 0.0; }
  return select(0.0, v, keep);
}
