// Max-pool backward, version 3: version 2 (max_pool2d_backward_v2.wgsl) for VGG's 2×2/2 windows without
// padding, four neighbouring windows an invocation, read and written in vec4s, for an even H and rows of
// whole groups of 8 (no row or column dropped; W a multiple of 8, OW of 4) and bases on vec4s (the
// dispatcher checks all of these). Each window's switch element gets its dy, the other three zero, so dx is
// written whole; lavapipe pays for each component loaded or stored more than for each vec4
// (bench/results/2026-12-04-lavapipe-max-pool-notes.md).
// dy: (N, C, OH, OW)  switches: (N, C, OH, OW) u32 (flat indices into the whole x)  dx: (N, C, H, W)
// The grid is (groups of 4 windows, window rows, planes) in 8 × ROWS workgroups.

override ROWS: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, n0: u32, dy_base: u32,
  dx_base: u32, m_base: u32, plane0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read> switches: array<vec4u>;
@group(0) @binding(3) var<storage, read_write> dx: array<vec4f>;
// The backward rule of a ReLU below the pool, as in version 2: 0 none; 2 gradient, g where m > 0; 3
// deconvnet, g where g > 0; 4 guided, both. mask is the pool's output, which at the switch's element is
// that ReLU's output (read from m_base at the windows' index).
override EPILOGUE: u32 = 0u;
@group(0) @binding(4) var<storage, read> mask: array<vec4f>;

@compute @workgroup_size(8, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let quad = wid.x * 8u + lid.x;
  let oy = wid.y * ROWS + lid.y;
  let quads = p.ow / 4u;
  if (quad >= quads || oy >= p.oh) { return; }
  let plane = p.plane0 + wid.z;
  let o = ((plane * p.oh + oy) * p.ow) / 4u + quad;
  var g = dy[p.dy_base / 4u + o];
  if (EPILOGUE >= 2u) {
    var keep = vec4<bool>(true);
    if (EPILOGUE != 3u) { keep = mask[p.m_base / 4u + o] > vec4f(0.0); }
    if (EPILOGUE != 2u) { keep = keep & (g > vec4f(0.0)); }
    g = select(vec4f(0.0), g, keep);
  }
  // The switches as offsets from the four windows' top-left elements, within the dispatch's dx.
  let at = (plane * p.h + 2u * oy) * p.w + 8u * quad;
  let chosen = switches[p.dy_base / 4u + o] - vec4u(p.n0 * p.c * p.h * p.w + at) - vec4u(0u, 2u, 4u, 6u);
  let a = select(vec4f(0.0), g, chosen == vec4u(0u));
  let b = select(vec4f(0.0), g, chosen == vec4u(1u));
  let c = select(vec4f(0.0), g, chosen == vec4u(p.w));
  let d = select(vec4f(0.0), g, chosen == vec4u(p.w + 1u));
  let top = (p.dx_base + at) / 4u;
  let low = (p.dx_base + at + p.w) / 4u;
  dx[top] = vec4f(a.x, b.x, a.y, b.y);
  dx[top + 1u] = vec4f(a.z, b.z, a.w, b.w);
  dx[low] = vec4f(c.x, d.x, c.y, d.y);
  dx[low + 1u] = vec4f(c.z, d.z, c.w, d.w);
}
