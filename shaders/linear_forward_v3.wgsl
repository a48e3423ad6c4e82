// Fully connected forward, version 3: each weight vec4 loaded once feeds 4 outputs of up to 8 batch
// rows, and each lane loads one row of x, which the subgroup hands round.
// x: (N, IN)  w: (OUT, IN)  b: (OUT)  y: (N, OUT);  y = x·wᵀ + b; IN a multiple of 4.
// Version 2 takes 4 outputs × 2 batch rows an invocation, so a batch of n streams the weight ⌈n/2⌉
// times. Here an invocation owns 4 output rows × the B (≤ 8) batch rows of its workgroup. On lavapipe
// every storage load costs a scalar load per lane and component (an address all lanes share as much as
// a different one), and the multiply-adds are cheap beside them: so lane j loads the vec4 of x of batch
// row n0 + j only, and subgroupBroadcast gives it to the other lanes. A step of one vec4 of the input
// then costs a lane 5 vec4 loads (4 weight, 1 x) for 16·B multiply-adds: 0.16 loads a multiply-add at
// B = 8, against version 2's 0.75.
// Needs subgroups of 8 lanes, every lane active at the broadcasts (the dispatcher checks the size; no
// invocation returns early). The workgroup is one subgroup: workgroup (x, y) takes row groups of 4
// 8·x … 8·x + 7 of this dispatch's block of the weight (bound from row o0) and batch rows y·B … of
// this run of the batch. Rows past the block and batch rows past the run repeat the last one and are
// never stored.

enable subgroups;

// Batch rows a workgroup sums, 1 to 8; the rows past B are compiled out.
override B: u32;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, x_base: u32, w_base: u32, y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> weight: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let r0 = (wid.x * 8u + lane) * 4u;
  let n0 = wid.y * B;
  let quads = p.inputs / 4u;
  let last = p.rows - 1u;
  let w0 = p.w_base / 4u + min(r0, last) * quads;
  let w1 = p.w_base / 4u + min(r0 + 1u, last) * quads;
  let w2 = p.w_base / 4u + min(r0 + 2u, last) * quads;
  let w3 = p.w_base / 4u + min(r0 + 3u, last) * quads;
  // This lane's row of x: batch row n0 + lane, or the run's last.
  let xs = p.x_base / 4u + min(n0 + lane, p.n - 1u) * quads;
  // a_b holds outputs r0 … r0 + 3 of batch row n0 + b.
  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var a2 = vec4f(0.0); var a3 = vec4f(0.0);
  var a4 = vec4f(0.0); var a5 = vec4f(0.0); var a6 = vec4f(0.0); var a7 = vec4f(0.0);
  for (var q = 0u; q < quads; q++) {
    let k0 = weight[w0 + q];
    let k1 = weight[w1 + q];
    let k2 = weight[w2 + q];
    let k3 = weight[w3 + q];
    let u = x[xs + q];
    a0 += outputs(subgroupBroadcast(u, 0u), k0, k1, k2, k3);
    if (B > 1u) { a1 += outputs(subgroupBroadcast(u, 1u), k0, k1, k2, k3); }
    if (B > 2u) { a2 += outputs(subgroupBroadcast(u, 2u), k0, k1, k2, k3); }
    if (B > 3u) { a3 += outputs(subgroupBroadcast(u, 3u), k0, k1, k2, k3); }
    if (B > 4u) { a4 += outputs(subgroupBroadcast(u, 4u), k0, k1, k2, k3); }
    if (B > 5u) { a5 += outputs(subgroupBroadcast(u, 5u), k0, k1, k2, k3); }
    if (B > 6u) { a6 += outputs(subgroupBroadcast(u, 6u), k0, k1, k2, k3); }
    if (B > 7u) { a7 += outputs(subgroupBroadcast(u, 7u), k0, k1, k2, k3); }
  }
  if (r0 >= p.rows) { return; }
  store(n0 + 0u, r0, a0);
  if (B > 1u && n0 + 1u < p.n) { store(n0 + 1u, r0, a1); }
  if (B > 2u && n0 + 2u < p.n) { store(n0 + 2u, r0, a2); }
  if (B > 3u && n0 + 3u < p.n) { store(n0 + 3u, r0, a3); }
  if (B > 4u && n0 + 4u < p.n) { store(n0 + 4u, r0, a4); }
  if (B > 5u && n0 + 5u < p.n) { store(n0 + 5u, r0, a5); }
  if (B > 6u && n0 + 6u < p.n) { store(n0 + 6u, r0, a6); }
  if (B > 7u && n0 + 7u < p.n) { store(n0 + 7u, r0, a7); }
}

// Outputs r0 … r0 + 3 of one batch row's vec4 u of x: its dot with each of the 4 weight vec4s.
fn outputs(u: vec4f, k0: vec4f, k1: vec4f, k2: vec4f, k3: vec4f) -> vec4f {
  return vec4f(dot(u, k0), dot(u, k1), dot(u, k2), dot(u, k3));
}

// Writes outputs r0 … r0 + 3 of this block (those that exist) for batch row n, adding the bias.
fn store(n: u32, r0: u32, sums: vec4f) {
  let at = p.y_base + n * p.outputs + p.o0 + r0;
  let o = p.o0 + r0;
  y[at] = sums.x + bias[o];
  if (r0 + 1u < p.rows) { y[at + 1u] = sums.y + bias[o + 1u]; }
  if (r0 + 2u < p.rows) { y[at + 2u] = sums.z + bias[o + 2u]; }
  if (r0 + 3u < p.rows) { y[at + 3u] = sums.w + bias[o + 3u]; }
}
