// Fully connected backward to the weights and bias, version 2: vec4 loads and stores.
// x: (N, IN)  dy: (N, OUT)  dw: (OUT, IN)  db: (OUT);  dw = dyᵀ·x, db = Σₙ dy; IN a multiple of 4.
// At batch 1 this writes the whole weight gradient (411 MB for VGG16's fc6) from two vectors, so it
// is a pass of vec4 stores: an invocation owns 8 neighbouring columns of one row of this block and
// sums over the batch; the invocations of column group 0 also sum the bias.
// When the batch is split into several dispatches, accumulate = 1 adds to what earlier ones wrote.
// Invocation index = row · (column groups) + column group.

override WG: u32;

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

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let item = (wid.y * groups.x + wid.x) * WG + lid;
  let quads = p.inputs / 4u;
  let octets = (quads + 1u) / 2u;
  if (item >= p.rows * octets) { return; }
  let row = item / octets;
  let q0 = (item % octets) * 2u;
  let q1 = min(q0 + 1u, quads - 1u);
  let o = p.o0 + row;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var bias_sum = 0.0;
  for (var n = 0u; n < p.n; n++) {
    let g = dy[p.dy_base + n * p.outputs + o];
    let xs = p.x_base / 4u + n * quads;
    a0 += g * x[xs + q0];
    a1 += g * x[xs + q1];
    bias_sum += g;
  }
  let keep = p.accumulate == 1u;
  let at = p.dw_base / 4u + row * quads + q0;
  dweight[at] = select(vec4f(0.0), dweight[at], keep) + a0;
  if (q0 + 1u < quads) { dweight[at + 1u] = select(vec4f(0.0), dweight[at + 1u], keep) + a1; }
  if (q0 == 0u) { dbias[o] = select(0.0, dbias[o], keep) + bias_sum; }
}
