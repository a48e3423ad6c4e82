// Adaptive average pooling (torchvision's AdaptiveAvgPool2d): output cell (i, j) averages input rows
// ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1 and the matching columns.
// x: (N, C, H, W)  y: (N, C, OH, OW); one invocation per output element.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, x_base: u32, y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.c * p.oh * p.ow) { return; }
  let ox = i % p.ow;
  let oy = (i / p.ow) % p.oh;
  let plane = i / (p.ow * p.oh);
  let y0 = (oy * p.h) / p.oh;
  let y1 = ((oy + 1u) * p.h + p.oh - 1u) / p.oh;
  let x0 = (ox * p.w) / p.ow;
  let x1 = ((ox + 1u) * p.w + p.ow - 1u) / p.ow;
  var sum = 0.0;
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) {
      sum += x[p.x_base + (plane * p.h + iy) * p.w + ix];
    }
  }
  y[p.y_base + i] = sum / f32((y1 - y0) * (x1 - x0));
}
