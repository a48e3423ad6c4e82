// Bilinear resampling with half-pixel centres, as PyTorch's F.interpolate(mode='bilinear',
// align_corners=False) computes it (aten/src/ATen/native/UpSample.h): for each output row y,
//   src = max(0, (y + ½) · (in_h / out_h) − ½),  y0 = ⌊src⌋,  y1 = y0 + (y0 < in_h − 1 ? 1 : 0),
//   λ = src − y0, and the same for columns; out = (1−λy)((1−λx)·x[y0,x0] + λx·x[y0,x1])
//                                                + λy((1−λx)·x[y1,x0] + λx·x[y1,x1]).
// Sources left of the first centre clamp to it (the max), right of the last to it (y1 = y0).
// x: (planes, in_h, in_w)  y: (planes, out_h, out_w); one invocation per output element.

override WG: u32;

struct Params {
  planes: u32, in_h: u32, in_w: u32, out_h: u32,
  out_w: u32, x_base: u32, y_base: u32, scale_h: f32,
  scale_w: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  let out_plane = p.out_h * p.out_w;
  if (i >= p.planes * out_plane) { return; }
  let plane = i / out_plane;
  let oy = (i % out_plane) / p.out_w;
  let ox = i % p.out_w;
  let sy = max(0.0, (f32(oy) + 0.5) * p.scale_h - 0.5);
  let sx = max(0.0, (f32(ox) + 0.5) * p.scale_w - 0.5);
  let y0 = min(u32(sy), p.in_h - 1u);
  let x0 = min(u32(sx), p.in_w - 1u);
  let y1 = select(y0, y0 + 1u, y0 < p.in_h - 1u);
  let x1 = select(x0, x0 + 1u, x0 < p.in_w - 1u);
  let ly = sy - f32(y0);
  let lx = sx - f32(x0);
  let base = p.x_base + plane * p.in_h * p.in_w;
  let top = (1.0 - lx) * x[base + y0 * p.in_w + x0] + lx * x[base + y0 * p.in_w + x1];
  let bottom = (1.0 - lx) * x[base + y1 * p.in_w + x0] + lx * x[base + y1 * p.in_w + x1];
  y[p.y_base + i] = (1.0 - ly) * top + ly * bottom;
}
