// Max-pool backward: routes each output gradient to the input element its switch names.
// dy: (N, C, OH, OW)  switches: (N, C, OH, OW) u32 (flat indices into the whole x)  dx: (N, C, H, W)
// One invocation per input element gathers from every window that holds it (rows oy with
// oy·stride − pad_top ≤ iy < oy·stride − pad_top + size, and the matching columns; one window for
// 2×2/2, up to four for 3×3/2) the dy of those whose switch names it. No two invocations write the same
// element, so overlapping windows need no atomics; rows and columns no window reaches get zero.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, n0: u32, dy_base: u32,
  dx_base: u32, size: u32, stride: u32, pad_top: u32,
  pad_left: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> switches: array<u32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

// The outputs [first, end) along one axis whose windows hold padded coordinate `at` (= index + pad).
fn windows(at: u32, out: u32) -> vec2u {
  var first = 0u;
  if (at + 1u > p.size) { first = (at + 1u - p.size + p.stride - 1u) / p.stride; }
  let end = min(at / p.stride + 1u, out);
  return vec2u(first, max(end, first));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.c * p.h * p.w) { return; }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let plane = i / (p.w * p.h);
  let me = p.n0 * p.c * p.h * p.w + i;
  let rows = windows(iy + p.pad_top, p.oh);
  let cols = windows(ix + p.pad_left, p.ow);
  var g = 0.0;
  for (var oy = rows.x; oy < rows.y; oy++) {
    for (var ox = cols.x; ox < cols.y; ox++) {
      let o = (plane * p.oh + oy) * p.ow + ox;
      if (switches[p.dy_base + o] == me) {
        g += dy[p.dy_base + o];
      }
    }
  }
  dx[p.dx_base + i] = g;
}
