// Max-pool forward, version 2: VGG's 2×2/2 windows without padding, four neighbouring windows an
// invocation, read and written in vec4s, for rows of whole groups of 8 (W a multiple of 8, so OW of 4)
// and bases on vec4s (the dispatcher checks both).
// x: (N, C, H, W)  y: (N, C, OH, OW)  switches: (N, C, OH, OW) u32, as version 1 (max_pool2d_forward.wgsl)
// writes them: the first maximum in row-major window order wins a tie, and a switch is the flat index of
// its element in the whole x tensor (image n0 + n of the dispatch). Version 1 loads and stores one float
// a lane at a time, and lavapipe pays for each component more than for each vec4 (at 64 channels on
// 224×224: 11.7 → 5.3 ms; bench/results/2026-12-04-lavapipe-max-pool-notes.md).
// The grid is (groups of 4 windows, window rows, planes) in 8 × ROWS workgroups; a floor-mode odd H's last
// row is never read.

override ROWS: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, n0: u32, x_base: u32,
  y_base: u32, plane0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> switches: array<vec4u>;

@compute @workgroup_size(8, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let quad = wid.x * 8u + lid.x;
  let oy = wid.y * ROWS + lid.y;
  let quads = p.ow / 4u;
  if (quad >= quads || oy >= p.oh) { return; }
  let plane = p.plane0 + wid.z;  // n * C + c within this dispatch
  // The four windows' top-left elements, within the dispatch's x.
  let at = (plane * p.h + 2u * oy) * p.w + 8u * quad;
  let top = (p.x_base + at) / 4u;
  let low = (p.x_base + at + p.w) / 4u;
  let t0 = x[top];
  let t1 = x[top + 1u];
  let l0 = x[low];
  let l1 = x[low + 1u];
  let corner = vec4u(at) + vec4u(0u, 2u, 4u, 6u);
  // Row-major within each window: a later element wins only when strictly greater.
  var value = vec4f(t0.x, t0.z, t1.x, t1.z);
  var best = corner;
  let b = vec4f(t0.y, t0.w, t1.y, t1.w);
  best = select(best, corner + 1u, b > value);
  value = select(value, b, b > value);
  let c = vec4f(l0.x, l0.z, l1.x, l1.z);
  best = select(best, corner + p.w, c > value);
  value = select(value, c, c > value);
  let d = vec4f(l0.y, l0.w, l1.y, l1.w);
  best = select(best, corner + p.w + 1u, d > value);
  value = select(value, d, d > value);
  let i = (p.y_base + (plane * p.oh + oy) * p.ow) / 4u + quad;
  y[i] = value;
  switches[i] = vec4u(p.n0 * p.c * p.h * p.w) + best;
}
