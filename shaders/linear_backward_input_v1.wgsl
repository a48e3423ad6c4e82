// Fully connected backward to the input, version 1: naive, one invocation per input-gradient element.
// dy: (N, OUT)  w: (OUT, IN)  dx: (N, IN);  dx = dy·w.
// With the weight in row blocks each block adds its share: the first writes (accumulate = 0), the
// rest add (accumulate = 1).

override WG: u32;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, dy_base: u32, w_base: u32, dx_base: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.inputs) { return; }
  let j = i % p.inputs;
  let n = i / p.inputs;
  var sum = 0.0;
  for (var o = 0u; o < p.rows; o++) {
    sum += dy[p.dy_base + n * p.outputs + p.o0 + o] * weight[p.w_base + o * p.inputs + j];
  }
  let at = p.dx_base + i;
  dx[at] = select(0.0, dx[at], p.accumulate == 1u) + sum;
}
