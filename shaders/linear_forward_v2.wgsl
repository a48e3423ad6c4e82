// Fully connected forward, version 2: vec4 loads, 4 outputs × 2 batch rows per invocation.
// x: (N, IN)  w: (OUT, IN)  b: (OUT)  y: (N, OUT);  y = x·wᵀ + b; IN a multiple of 4.
// At batch 1 this is a pass over the weight (VGG16's fc6: 411 MB), so what matters is reading it
// once, in vec4s: an invocation walks 4 weight rows side by side and multiplies each vec4 by the
// same vec4 of 2 batch rows of x. Rows o0 … o0 + rows − 1 are this dispatch's block of the weight
// (bound from row o0), batch rows n0 … of x and y its run of the batch.
// Invocation index = (row group) · ⌈n/2⌉ + batch pair.

override WG: u32;
// False when the batch has one row: the second row's loads and sums are compiled out.
override PAIR: bool;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, x_base: u32, w_base: u32, y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> weight: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let item = (wid.y * groups.x + wid.x) * WG + lid;
  let pairs = (p.n + 1u) / 2u;
  if (item >= ((p.rows + 3u) / 4u) * pairs) { return; }
  let n0 = (item % pairs) * 2u;
  let r0 = (item / pairs) * 4u;
  // Rows and batch rows past the end repeat the last one and are never stored.
  let last = p.rows - 1u;
  let quads = p.inputs / 4u;
  let w0 = p.w_base / 4u + min(r0, last) * quads;
  let w1 = p.w_base / 4u + min(r0 + 1u, last) * quads;
  let w2 = p.w_base / 4u + min(r0 + 2u, last) * quads;
  let w3 = p.w_base / 4u + min(r0 + 3u, last) * quads;
  let xa = p.x_base / 4u + n0 * quads;
  let xb = p.x_base / 4u + min(n0 + 1u, p.n - 1u) * quads;
  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var a2 = vec4f(0.0); var a3 = vec4f(0.0);
  var b0 = vec4f(0.0); var b1 = vec4f(0.0); var b2 = vec4f(0.0); var b3 = vec4f(0.0);
  for (var q = 0u; q < quads; q++) {
    let u = x[xa + q];
    let k0 = weight[w0 + q];
    let k1 = weight[w1 + q];
    let k2 = weight[w2 + q];
    let k3 = weight[w3 + q];
    a0 = fma(u, k0, a0); a1 = fma(u, k1, a1); a2 = fma(u, k2, a2); a3 = fma(u, k3, a3);
    if (PAIR) {
      let v = x[xb + q];
      b0 = fma(v, k0, b0); b1 = fma(v, k1, b1); b2 = fma(v, k2, b2); b3 = fma(v, k3, b3);
    }
  }
  let one = vec4f(1.0);
  store(n0, r0, vec4f(dot(a0, one), dot(a1, one), dot(a2, one), dot(a3, one)));
  if (n0 + 1u < p.n) { store(n0 + 1u, r0, vec4f(dot(b0, one), dot(b1, one), dot(b2, one), dot(b3, one))); }
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
