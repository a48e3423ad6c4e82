// Fully connected backward to the input, version 4: each weight vec4 loaded once feeds up to 8 batch
// rows, and each lane loads one row's value of dy, which the subgroup hands round.
// dy: (N, OUT)  w: (OUT, IN)  out: (BLOCKS, N, IN);  out[b] = dy[:, rows of block b] · w[rows of b, :]
// IN a multiple of 4. With one block, out is dx itself (accumulate = 1 adds to what an earlier weight
// window wrote); with several, linear_backward_input_v3_sum adds them up into dx.
// Versions 2 and 3 take 1 or 2 batch rows an invocation, so a batch of n streams the weight ⌈n/2⌉
// times. Here an invocation owns 8 neighbouring columns (two vec4s) × the B (≤ 8) batch rows of its
// workgroup, and walks down the rows of its block. On lavapipe every storage load costs a scalar load
// per lane and component, an address all lanes share as much as any: so lane j loads dy of batch row
// n0 + j only, and subgroupBroadcast gives it to the other lanes. A weight row then costs a lane 9
// loads (two weight vec4s, one dy value) for 8·B multiply-adds: 0.14 a multiply-add at B = 8,
// against version 2's 0.63.
// Needs subgroups of 8 lanes, every lane active at the broadcasts (the dispatcher checks the size; no
// invocation returns early). The workgroup is one subgroup: workgroup (x, y, z) takes columns
// 64·x … 64·x + 63, rows y·span … of this dispatch's window of the weight (bound from row o0), and
// batch rows z·B … of this run of the batch. Columns past the end and batch rows past the run repeat
// the last one and are never stored.

enable subgroups;

// Batch rows a workgroup sums, 1 to 8; the rows past B are compiled out.
override B: u32;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, dy_base: u32, w_base: u32, out_base: u32,
  span: u32, accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let quads = p.inputs / 4u;
  let q0 = (wid.x * 8u + lane) * 2u;
  let qa = min(q0, quads - 1u);
  let qb = min(q0 + 1u, quads - 1u);
  let n0 = wid.z * B;
  let first = wid.y * p.span;
  let end = min(first + p.span, p.rows);
  // This lane's row of dy: batch row n0 + lane, or the run's last.
  let g = p.dy_base + min(n0 + lane, p.n - 1u) * p.outputs + p.o0;
  // a_b and c_b hold columns 4·q0 … 4·q0 + 7 of batch row n0 + b.
  var a0 = vec4f(0.0); var c0 = vec4f(0.0);
  var a1 = vec4f(0.0); var c1 = vec4f(0.0);
  var a2 = vec4f(0.0); var c2 = vec4f(0.0);
  var a3 = vec4f(0.0); var c3 = vec4f(0.0);
  var a4 = vec4f(0.0); var c4 = vec4f(0.0);
  var a5 = vec4f(0.0); var c5 = vec4f(0.0);
  var a6 = vec4f(0.0); var c6 = vec4f(0.0);
  var a7 = vec4f(0.0); var c7 = vec4f(0.0);
  var w = p.w_base / 4u + first * quads;
  for (var o = first; o < end; o++) {
    let k0 = weight[w + qa];
    let k1 = weight[w + qb];
    let v = dy[g + o];
    let u0 = vec4f(subgroupBroadcast(v, 0u)); a0 = fma(u0, k0, a0); c0 = fma(u0, k1, c0);
    if (B > 1u) { let u1 = vec4f(subgroupBroadcast(v, 1u)); a1 = fma(u1, k0, a1); c1 = fma(u1, k1, c1); }
    if (B > 2u) { let u2 = vec4f(subgroupBroadcast(v, 2u)); a2 = fma(u2, k0, a2); c2 = fma(u2, k1, c2); }
    if (B > 3u) { let u3 = vec4f(subgroupBroadcast(v, 3u)); a3 = fma(u3, k0, a3); c3 = fma(u3, k1, c3); }
    if (B > 4u) { let u4 = vec4f(subgroupBroadcast(v, 4u)); a4 = fma(u4, k0, a4); c4 = fma(u4, k1, c4); }
    if (B > 5u) { let u5 = vec4f(subgroupBroadcast(v, 5u)); a5 = fma(u5, k0, a5); c5 = fma(u5, k1, c5); }
    if (B > 6u) { let u6 = vec4f(subgroupBroadcast(v, 6u)); a6 = fma(u6, k0, a6); c6 = fma(u6, k1, c6); }
    if (B > 7u) { let u7 = vec4f(subgroupBroadcast(v, 7u)); a7 = fma(u7, k0, a7); c7 = fma(u7, k1, c7); }
    w += quads;
  }
  if (q0 >= quads) { return; }
  // Row n0 of this block's (N, IN) slab of out.
  let row = wid.y * p.n + n0;
  store(row + 0u, q0, a0, c0);
  if (B > 1u && n0 + 1u < p.n) { store(row + 1u, q0, a1, c1); }
  if (B > 2u && n0 + 2u < p.n) { store(row + 2u, q0, a2, c2); }
  if (B > 3u && n0 + 3u < p.n) { store(row + 3u, q0, a3, c3); }
  if (B > 4u && n0 + 4u < p.n) { store(row + 4u, q0, a4, c4); }
  if (B > 5u && n0 + 5u < p.n) { store(row + 5u, q0, a5, c5); }
  if (B > 6u && n0 + 6u < p.n) { store(row + 6u, q0, a6, c6); }
  if (B > 7u && n0 + 7u < p.n) { store(row + 7u, q0, a7, c7); }
}

// Writes (or adds, with accumulate = 1) vec4s q0 and q0 + 1 (if it exists) of row `row` of out.
fn store(row: u32, q0: u32, a: vec4f, c: vec4f) {
  let quads = p.inputs / 4u;
  let keep = p.accumulate == 1u;
  let at = p.out_base / 4u + row * quads + q0;
  out[at] = select(vec4f(0.0), out[at], keep) + a;
  if (q0 + 1u < quads) { out[at + 1u] = select(vec4f(0.0), out[at + 1u], keep) + c; }
}
