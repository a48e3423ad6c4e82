// Fully connected backward to the weights and bias, version 3: 8 weight rows × 4 columns an invocation,
// each lane loading one row's value of dy, which the subgroup hands round.
// x: (N, IN)  dy: (N, OUT)  dw: (OUT, IN)  db: (OUT);  dw = dyᵀ·x, db = Σₙ dy; IN a multiple of 4.
// Version 2 has an invocation own 8 columns of one row: per batch row it loads 8 values of x and one of
// dy for 8 multiply-adds. On lavapipe every storage load costs a scalar load per lane and component and
// the arithmetic is cheap beside it; here the 8 lanes of a workgroup own the same 8 rows o0 … o0 + 7 and
// neighbouring vec4s of columns, lane j loads dy[n, o0 + j] only and subgroupBroadcast gives it to the
// others: per batch row a lane loads 5 values (a vec4 of x and one of dy) for 32 multiply-adds. Lane j
// also sums its own dy values into db[o0 + j] (the lanes of column tile 0 store it).
// When the batch is split into several dispatches, accumulate = 1 adds to what earlier ones wrote.
// Needs subgroups of 8 lanes, every lane active at the broadcasts (the dispatcher checks the size; no
// invocation returns early). The workgroup is one subgroup: workgroup (x, y) takes columns 32·x … 32·x
// + 31 and rows 8·y … 8·y + 7 of this dispatch's block of the weight (rows o0 …, dw bound from row o0).
// Columns and rows past the end repeat the last one and are never stored.

enable subgroups;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, x_base: u32, dy_base: u32, dw_base: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dweight: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> dbias: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let quads = p.inputs / 4u;
  let q = wid.x * 8u + lane;
  let qc = min(q, quads - 1u);
  let r0 = wid.y * 8u;
  // This lane's row of dy: row r0 + lane of the block, or its last.
  let g = p.dy_base + p.o0 + min(r0 + lane, p.rows - 1u);
  // a_r holds columns 4·q … 4·q + 3 of row r0 + r.
  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var a2 = vec4f(0.0); var a3 = vec4f(0.0);
  var a4 = vec4f(0.0); var a5 = vec4f(0.0); var a6 = vec4f(0.0); var a7 = vec4f(0.0);
  var bias_sum = 0.0;
  for (var n = 0u; n < p.n; n++) {
    let u = x[p.x_base / 4u + n * quads + qc];
    let v = dy[g + n * p.outputs];
    bias_sum += v;
    a0 = fma(vec4f(subgroupBroadcast(v, 0u)), u, a0);
    a1 = fma(vec4f(subgroupBroadcast(v, 1u)), u, a1);
    a2 = fma(vec4f(subgroupBroadcast(v, 2u)), u, a2);
    a3 = fma(vec4f(subgroupBroadcast(v, 3u)), u, a3);
    a4 = fma(vec4f(subgroupBroadcast(v, 4u)), u, a4);
    a5 = fma(vec4f(subgroupBroadcast(v, 5u)), u, a5);
    a6 = fma(vec4f(subgroupBroadcast(v, 6u)), u, a6);
    a7 = fma(vec4f(subgroupBroadcast(v, 7u)), u, a7);
  }
  let keep = p.accumulate == 1u;
  if (wid.x == 0u && r0 + lane < p.rows) {
    let o = p.o0 + r0 + lane;
    dbias[o] = select(0.0, dbias[o], keep) + bias_sum;
  }
  if (q >= quads) { return; }
  store(r0 + 0u, q, a0);
  if (r0 + 1u < p.rows) { store(r0 + 1u, q, a1); }
  if (r0 + 2u < p.rows) { store(r0 + 2u, q, a2); }
  if (r0 + 3u < p.rows) { store(r0 + 3u, q, a3); }
  if (r0 + 4u < p.rows) { store(r0 + 4u, q, a4); }
  if (r0 + 5u < p.rows) { store(r0 + 5u, q, a5); }
  if (r0 + 6u < p.rows) { store(r0 + 6u, q, a6); }
  if (r0 + 7u < p.rows) { store(r0 + 7u, q, a7); }
}

// Writes (or adds, with accumulate = 1) vec4 q of row `row` of this block of dw.
fn store(row: u32, q: u32, a: vec4f) {
  let at = p.dw_base / 4u + row * (p.inputs / 4u) + q;
  dweight[at] = select(vec4f(0.0), dweight[at], p.accumulate == 1u) + a;
}
