// Fully connected backward to the input, version 3: the weight read in row blocks, then summed.
// dy: (N, OUT)  w: (OUT, IN)  partial: (BLOCKS, N, IN);  partial[b] = dy[:, rows of block b] · w[rows of b, :]
// IN a multiple of 4, N at most 2; linear_backward_input_v3_sum adds the blocks up into dx.
//
// Version 2 has each invocation walk every row of the weight down its 8 columns: on lavapipe, where a
// CPU thread runs a workgroup 8 lanes at a time, that is 256 bytes a row at a 100 KB stride (fc6), a
// thousand scattered streams that no prefetcher follows. Here workgroup (x, y) takes 8·WG neighbouring
// columns of the ROWS rows of block y, and x runs fastest, so one thread's successive lanes and
// workgroups move along the same ROWS rows: ROWS streams read front to back, the pattern a CPU's
// prefetcher keeps up with. An invocation owns 8 columns (two vec4s) × the batch's 1 or 2 rows.
// Rows 0 … rows − 1 are this dispatch's window of the weight; block b covers rows b·ROWS onwards.

override WG: u32;
override ROWS: u32;
// False when the batch has one row: the second row's loads and sums are compiled out.
override PAIR: bool;

struct Params {
  n: u32, inputs: u32, outputs: u32, rows: u32,
  o0: u32, dy_base: u32, w_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> partial: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let quads = p.inputs / 4u;
  let q0 = (wid.x * WG + lid) * 2u;
  if (q0 >= quads) { return; }
  // The second vec4 past the row's end repeats the first and is never stored.
  let q1 = min(q0 + 1u, quads - 1u);
  let first = wid.y * ROWS;
  let end = min(first + ROWS, p.rows);
  let ga = p.dy_base + p.o0;
  let gb = p.dy_base + select(0u, p.outputs, PAIR) + p.o0;
  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var b0 = vec4f(0.0); var b1 = vec4f(0.0);
  var w = p.w_base / 4u + first * quads;
  for (var o = first; o < end; o++) {
    let k0 = weight[w + q0];
    let k1 = weight[w + q1];
    let u = dy[ga + o];
    a0 = fma(vec4f(u), k0, a0); a1 = fma(vec4f(u), k1, a1);
    if (PAIR) {
      let v = dy[gb + o];
      b0 = fma(vec4f(v), k0, b0); b1 = fma(vec4f(v), k1, b1);
    }
    w += quads;
  }
  let at = wid.y * p.n * quads + q0;
  partial[at] = a0;
  if (q0 + 1u < quads) { partial[at + 1u] = a1; }
  if (PAIR) {
    partial[at + quads] = b0;
    if (q0 + 1u < quads) { partial[at + quads + 1u] = b1; }
  }
}
