// Fully connected backward to the weights and bias, version 1: naive, one invocation per weight
// element of this row block (rows·IN of them) and then one per bias element of the block.
// x: (N, IN)  dy: (N, OUT)  dw: (OUT, IN)  db: (OUT);  dw = dyᵀ·x, db = Σₙ dy.
// When the batch is split into several dispatches, accumulate = 1 adds to what earlier ones wrote.

override WG: u32;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, x_base: u32, dy_base: u32, dw_base: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(4) var<storage, read_write> dbias: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  let weights = p.rows * p.inputs;
  if (i >= weights + p.rows) { return; }
  var sum = 0.0;
  if (i >= weights) {
    let o = p.o0 + i - weights;
    for (var n = 0u; n < p.n; n++) {
      sum += dy[p.dy_base + n * p.outputs + o];
    }
    dbias[o] = select(0.0, dbias[o], p.accumulate == 1u) + sum;
    return;
  }
  let j = i % p.inputs;
  let o = i / p.inputs;
  for (var n = 0u; n < p.n; n++) {
    sum += dy[p.dy_base + n * p.outputs + p.o0 + o] * x[p.x_base + n * p.inputs + j];
  }
  let at = p.dw_base + i;
  dweight[at] = select(0.0, dweight[at], p.accumulate == 1u) + sum;
}
