// A circular shift of every plane of x: y[n, c, i, j] = x[n, c, (i − dy) mod H, (j − dx) mod W].
// Jitter for class-model ascent (Mordvintsev et al. 2015; Yosinski et al. 2015): the ascent sees the
// image shifted, and its gradient is shifted back.
// x, y: (planes, H, W), planes = N·C. One invocation per output element: workgroups run along a plane's
// pixels in x and over planes in y, so the only division is the one that splits a pixel into row and
// column (integer division is scalar, and slow, on a CPU adapter). dy, dx arrive in [0, H) and [0, W).

override WG: u32;

struct Params {
  h: u32, w: u32, x_base: u32, y_base: u32,
  dy: u32, dx: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let pixel = wid.x * WG + lid;
  let pixels = p.h * p.w;
  if (pixel >= pixels) { return; }
  let row = pixel / p.w;
  let col = pixel - row * p.w;
  let up = row + p.h - p.dy;
  let left = col + p.w - p.dx;
  let from_row = select(up, up - p.h, up >= p.h);
  let from_col = select(left, left - p.w, left >= p.w);
  let plane = wid.y * pixels;
  y[p.y_base + plane + pixel] = x[p.x_base + plane + from_row * p.w + from_col];
}
