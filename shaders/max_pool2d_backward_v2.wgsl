// Max-pool backward for windows that tile the input without overlap or padding (stride = size, no pads:
// VGG's 2×2/2): routes each output gradient to the element its switch names.
// dy: (N, C, OH, OW)  switches: (N, C, OH, OW) u32 (flat indices into the whole x)  dx: (N, C, H, W)
// One invocation per output element writes its whole window (the switch's element gets dy, the others
// zero), and the last row and column of windows also zero the rows and columns floor mode drops, so dx
// is written whole. Version 1 gathers per input element and pays seven integer divisions for each;
// lavapipe runs those lane by lane, and VGG's 2×2 pools then cost as much as the conv beside them.
// The grid is (columns, rows, planes) of windows in 8 × ROWS workgroups, so that no lane divides. TWO
// (2×2 windows) writes the four elements at constant offsets, with no loop (lavapipe runs a loop whose
// bounds differ between lanes under a mask). Both: VGG16's five pools 51.6 → 32.6 ms at batch 1
// (bench/results/2026-12-03-lavapipe-kernel-notes.md).

override ROWS: u32;
override TWO: bool = false;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, n0: u32, dy_base: u32,
  dx_base: u32, size: u32, m_base: u32, plane0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> switches: array<u32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
// The backward rule of a ReLU below the pool, applied to what the switch's element gets (the fused
// epilogue, src/nn/epilogue.ts): 0 none; 2 gradient, g where m > 0; 3 deconvnet, g where g > 0; 4
// guided, both. m is the ReLU's output at the switch's element, which is the pooled output: mask is
// the pool's output (read from m_base at the window's index).
override EPILOGUE: u32 = 0u;
@group(0) @binding(4) var<storage, read> mask: array<f32>;

@compute @workgroup_size(8, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let ox = wid.x * 8u + lid.x;
  let oy = wid.y * ROWS + lid.y;
  if (ox >= p.ow || oy >= p.oh) { return; }
  let plane = p.plane0 + wid.z;
  let o = (plane * p.oh + oy) * p.ow + ox;
  var g = dy[p.dy_base + o];
  if (EPILOGUE >= 2u) {
    var keep = true;
    if (EPILOGUE != 3u) { keep = mask[p.m_base + o] > 0.0; }
    if (EPILOGUE != 2u) { keep = keep && g > 0.0; }
    g = select(0.0, g, keep);
  }
  let chosen = switches[p.dy_base + o];
  let y0 = oy * p.size;
  let x0 = ox * p.size;
  let y1 = select(y0 + p.size, p.h, oy + 1u == p.oh);
  let x1 = select(x0 + p.size, p.w, ox + 1u == p.ow);
  let first = p.n0 * p.c * p.h * p.w;
  // The rows and columns that floor mode drops go to the last windows' loop below.
  if (TWO && y1 == y0 + 2u && x1 == x0 + 2u) {
    let at = (plane * p.h + y0) * p.w + x0;
    dx[p.dx_base + at] = select(0.0, g, first + at == chosen);
    dx[p.dx_base + at + 1u] = select(0.0, g, first + at + 1u == chosen);
    dx[p.dx_base + at + p.w] = select(0.0, g, first + at + p.w == chosen);
    dx[p.dx_base + at + p.w + 1u] = select(0.0, g, first + at + p.w + 1u == chosen);
    return;
  }
  for (var iy = y0; iy < y1; iy++) {
    let row = (plane * p.h + iy) * p.w;
    for (var ix = x0; ix < x1; ix++) {
      let at = row + ix;
      dx[p.dx_base + at] = select(0.0, g, first + at == chosen);
    }
  }
}
