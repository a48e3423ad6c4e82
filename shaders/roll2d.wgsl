// A circular shift of every plane of x: y[n, c, i, j] = x[n, c, (i − dy) mod H, (j − dx) mod W].
// Jitter for class-model ascent (Mordvintsev et al. 2015; Yosinski et al. 2015): the ascent sees the
// image shifted, and its gradient is shifted back. One invocation per output element; dy, dx arrive
// already reduced to [0, H) and [0, W).

override WG: u32;

struct Params {
  planes: u32, h: u32, w: u32, x_base: u32,
  y_base: u32, dy: u32, dx: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  let pixels = p.h * p.w;
  if (i >= p.planes * pixels) { return; }
  let plane = i / pixels;
  let row = (i % pixels) / p.w;
  let col = i % p.w;
  let from_row = (row + p.h - p.dy) % p.h;
  let from_col = (col + p.w - p.dx) % p.w;
  y[p.y_base + i] = x[p.x_base + plane * pixels + from_row * p.w + from_col];
}
