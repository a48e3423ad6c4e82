// Average pool backward: each input element gathers dy/divisor from every window that holds it (the
// divisor as in avg_pool2d_forward), so overlapping windows need no atomics; elements no window reaches
// get zero. dy: (N, C, OH, OW)  dx: (N, C, H, W), written (not accumulated). One invocation per element of dx.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, dy_base: u32, dx_base: u32,
  size: u32, stride: u32, pad_top: u32, pad_left: u32,
  include_pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

// The outputs [first, end) along one axis whose windows hold padded coordinate `at` (= index + pad).
fn windows(at: u32, out: u32) -> vec2u {
  var first = 0u;
  if (at + 1u > p.size) { first = (at + 1u - p.size + p.stride - 1u) / p.stride; }
  let end = min(at / p.stride + 1u, out);
  return vec2u(first, max(end, first));
}

// How many of x's `extent` elements window `o` holds along one axis with padding `pad` before it.
fn inside(o: u32, pad: u32, extent: u32) -> u32 {
  let start = i32(o * p.stride) - i32(pad);
  return u32(min(start + i32(p.size), i32(extent)) - max(start, 0));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.c * p.h * p.w) { return; }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let plane = i / (p.w * p.h);
  let rows = windows(iy + p.pad_top, p.oh);
  let cols = windows(ix + p.pad_left, p.ow);
  var g = 0.0;
  for (var oy = rows.x; oy < rows.y; oy++) {
    for (var ox = cols.x; ox < cols.y; ox++) {
      var count = inside(oy, p.pad_top, p.h) * inside(ox, p.pad_left, p.w);
      if (p.include_pad != 0u) { count = p.size * p.size; }
      g += dy[p.dy_base + (plane * p.oh + oy) * p.ow + ox] / f32(count);
    }
  }
  dx[p.dx_base + i] = g;
}
