// Fully connected forward, version 4: each workgroup splits one group of 4 output rows over the
// input (split-K) and sums its lanes' shares in workgroup memory.
// x: (N, IN)  w: (OUT, IN)  b: (OUT)  y: (N, OUT);  y = x·wᵀ + b; IN a multiple of 4.
// Version 2 gives each invocation 4 whole weight rows, so VGG16's fc6 at batch 1 is 1024 invocations:
// a GPU with tens of thousands of lanes sits mostly idle and reads the weight at a few percent of its
// bandwidth (an H100 read 40 GB/s of 3 TB/s). Here a workgroup of WG invocations takes 4 rows, lane l
// the vec4s l, l + WG, l + 2·WG, … of each (neighbouring lanes, neighbouring addresses), and the
// B (≤ 8) batch rows of its workgroup row, so fc6 is 1024 workgroups and a weight vec4 loaded once
// feeds B batch rows. Workgroup (x, y) takes rows 4·x … 4·x + 3 of this dispatch's block of the weight
// (bound from row o0) and batch rows y·B … of this run of the batch. Rows past the block and batch
// rows past the run repeat the last one and are never stored. No invocation returns before the
// barriers.

// Invocations a workgroup, a power of 2.
override WG: u32;
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

// Lane l's sums for batch row b at [b · WG + l], then halved in place down to [b · WG].
var<workgroup> partial: array<vec4f, WG * B>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r0 = wid.x * 4u;
  let n0 = wid.y * B;
  let quads = p.inputs / 4u;
  let last = p.rows - 1u;
  let w0 = p.w_base / 4u + min(r0, last) * quads;
  let w1 = p.w_base / 4u + min(r0 + 1u, last) * quads;
  let w2 = p.w_base / 4u + min(r0 + 2u, last) * quads;
  let w3 = p.w_base / 4u + min(r0 + 3u, last) * quads;
  var xs: array<u32, 8>;
  for (var b = 0u; b < B; b++) { xs[b] = p.x_base / 4u + min(n0 + b, p.n - 1u) * quads; }
  // a[b] holds this lane's share of outputs r0 … r0 + 3 of batch row n0 + b.
  var a: array<vec4f, 8>;
  for (var q = lane; q < quads; q += WG) {
    let k0 = weight[w0 + q];
    let k1 = weight[w1 + q];
    let k2 = weight[w2 + q];
    let k3 = weight[w3 + q];
    for (var b = 0u; b < B; b++) {
      let u = x[xs[b] + q];
      a[b] += vec4f(dot(u, k0), dot(u, k1), dot(u, k2), dot(u, k3));
    }
  }
  for (var b = 0u; b < B; b++) { partial[b * WG + lane] = a[b]; }
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lane < half) {
      for (var b = 0u; b < B; b++) { partial[b * WG + lane] += partial[b * WG + lane + half]; }
    }
    workgroupBarrier();
  }
  // Lane l stores batch rows l, l + WG, …: a workgroup narrower than B (rows of few vec4s) stores them all.
  if (r0 >= p.rows) { return; }
  for (var b = lane; b < B && n0 + b < p.n; b += WG) { store(n0 + b, r0, partial[b * WG]); }
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
