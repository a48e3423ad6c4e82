// Fully connected forward, version 1: naive, one invocation per output element.
// x: (N, IN)  w: (OUT, IN) as PyTorch  b: (OUT)  y: (N, OUT);  y = x·wᵀ + b.
// A weight larger than one binding is dispatched in row blocks: this dispatch computes outputs
// o0 … o0 + rows − 1 for the n batch rows bound in x and y, with w's window starting at row o0.

override WG: u32;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, x_base: u32, w_base: u32, y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.rows) { return; }
  let o = i % p.rows;
  let n = i / p.rows;
  var sum = bias[p.o0 + o];
  for (var j = 0u; j < p.inputs; j++) {
    sum += x[p.x_base + n * p.inputs + j] * weight[p.w_base + o * p.inputs + j];
  }
  y[p.y_base + n * p.outputs + p.o0 + o] = sum;
}
