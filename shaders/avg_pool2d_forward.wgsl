// Average pool (ONNX AveragePool, floor mode) with a square SIZE×SIZE window, a stride and zero padding.
// x: (N, C, H, W)  y: (N, C, OH, OW); window (oy, ox) covers rows oy·stride − pad_top … + size − 1 and
// the matching columns; its sum over the elements inside x is divided by size² where count_include_pad,
// else by how many elements of x it holds (never 0: each pad < size).
// One invocation per output element.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, x_base: u32, y_base: u32,
  size: u32, stride: u32, pad_top: u32, pad_left: u32,
  include_pad: u32,
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
  let top = i32(oy * p.stride) - i32(p.pad_top);
  let left = i32(ox * p.stride) - i32(p.pad_left);
  let y0 = u32(max(top, 0));
  let y1 = u32(min(top + i32(p.size), i32(p.h)));
  let x0 = u32(max(left, 0));
  let x1 = u32(min(left + i32(p.size), i32(p.w)));
  var sum = 0.0;
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) {
      sum += x[p.x_base + (plane * p.h + iy) * p.w + ix];
    }
  }
  var count = (y1 - y0) * (x1 - x0);
  if (p.include_pad != 0u) { count = p.size * p.size; }
  y[p.y_base + i] = sum / f32(count);
}
