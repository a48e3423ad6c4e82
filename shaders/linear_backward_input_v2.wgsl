// Fully connected backward to the input, version 2: vec4 loads, 8 inputs × 2 batch rows per invocation.
// dy: (N, OUT)  w: (OUT, IN)  dx: (N, IN);  dx = dy·w; IN a multiple of 4.
// An invocation owns 8 neighbouring columns of w and walks down the rows of this dispatch's block,
// so one pass reads the weight once, in vec4s, with neighbouring invocations on neighbouring memory.
// With the weight in row blocks each block adds its share: accumulate = 0 writes, 1 adds.
// Invocation index = (column group of 8) · ⌈n/2⌉ + batch pair.

override WG: u32;
// False when the batch has one row: the second row's loads and sums are compiled out.
override PAIR: bool;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, dy_base: u32, w_base: u32, dx_base: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dx: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let item = (wid.y * groups.x + wid.x) * WG + lid;
  let pairs = (p.n + 1u) / 2u;
  let quads = p.inputs / 4u;
  let octets = (quads + 1u) / 2u;
  if (item >= octets * pairs) { return; }
  let n0 = (item % pairs) * 2u;
  let n1 = min(n0 + 1u, p.n - 1u);
  let q0 = (item / pairs) * 2u;
  // The second vec4 past the row's end repeats the first and is never stored.
  let q1 = min(q0 + 1u, quads - 1u);
  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var b0 = vec4f(0.0); var b1 = vec4f(0.0);
  let ga = p.dy_base + n0 * p.outputs + p.o0;
  let gb = p.dy_base + n1 * p.outputs + p.o0;
  var w = p.w_base / 4u;
  for (var o = 0u; o < p.rows; o++) {
    let u = dy[ga + o];
    let k0 = weight[w + q0];
    let k1 = weight[w + q1];
    a0 = fma(vec4f(u), k0, a0); a1 = fma(vec4f(u), k1, a1);
    if (PAIR) {
      let v = dy[gb + o];
      b0 = fma(vec4f(v), k0, b0); b1 = fma(vec4f(v), k1, b1);
    }
    w += quads;
  }
  let keep = p.accumulate == 1u;
  let base = p.dx_base / 4u;
  let at0 = base + n0 * quads + q0;
  dx[at0] = select(vec4f(0.0), dx[at0], keep) + a0;
  if (q0 + 1u < quads) { dx[at0 + 1u] = select(vec4f(0.0), dx[at0 + 1u], keep) + a1; }
  if (n0 + 1u < p.n) {
    let at1 = base + n1 * quads + q0;
    dx[at1] = select(vec4f(0.0), dx[at1], keep) + b0;
    if (q0 + 1u < quads) { dx[at1 + 1u] = select(vec4f(0.0), dx[at1 + 1u], keep) + b1; }
  }
}
