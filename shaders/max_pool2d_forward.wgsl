// Max-pool with a square SIZE×SIZE window, a stride and padding (floor mode, as PyTorch and ONNX with
// ceil_mode 0), keeping the switches for backward. VGG's 2×2/2 and ResNet's 3×3/2 pad 1 alike.
// x: (N, C, H, W)  y: (N, C, OH, OW)  switches: (N, C, OH, OW) u32
// Window (oy, ox) covers rows oy·stride − pad_top … + size − 1 and the matching columns; padding counts
// as −∞, so it never wins (every window holds at least one element of x, since each pad < size).
// A switch is the flat index in the whole x tensor (image n0 + n of the dispatch) of the window's
// maximum; the first maximum in row-major window order wins a tie (strict >), as in PyTorch, so that the
// deconvnet rule routes through the same element as the float64 reference.
// One invocation per output element, on a (column, row, plane) grid of 8 × ROWS workgroups, so that no
// lane divides (lavapipe divides lane by lane). TWO (windows 2×2, stride 2, unpadded: VGG's) reads the
// window as four constant offsets with no loop (lavapipe runs a loop whose bounds differ between lanes
// under a mask). Both, with 8 × 16 workgroups: VGG16's five pools 54.6 → 27.9 ms at batch 1
// (bench/results/2026-12-03-lavapipe-kernel-notes.md).

override ROWS: u32;
override TWO: bool = false;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, n0: u32, x_base: u32,
  y_base: u32, size: u32, stride: u32, pad_top: u32,
  pad_left: u32, plane0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> switches: array<u32>;

@compute @workgroup_size(8, ROWS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let ox = wid.x * 8u + lid.x;
  let oy = wid.y * ROWS + lid.y;
  if (ox >= p.ow || oy >= p.oh) { return; }
  let plane = p.plane0 + wid.z;  // n * C + c within this dispatch
  let i = (plane * p.oh + oy) * p.ow + ox;
  let first = p.n0 * p.c * p.h * p.w;
  if (TWO) {
    let at = (plane * p.h + 2u * oy) * p.w + 2u * ox;
    let a = x[p.x_base + at];
    let b = x[p.x_base + at + 1u];
    let c = x[p.x_base + at + p.w];
    let d = x[p.x_base + at + p.w + 1u];
    // The first maximum in row-major order: a later element wins only when strictly greater.
    var value = a;
    var best = at;
    best = select(best, at + 1u, b > value);
    value = select(value, b, b > value);
    best = select(best, at + p.w, c > value);
    value = select(value, c, c > value);
    best = select(best, at + p.w + 1u, d > value);
    value = select(value, d, d > value);
    y[p.y_base + i] = value;
    switches[p.y_base + i] = first + best;
    return;
  }
  // The window clipped to x: rows [y0, y1), columns [x0, x1), as signed offsets before clipping.
  let top = i32(oy * p.stride) - i32(p.pad_top);
  let left = i32(ox * p.stride) - i32(p.pad_left);
  let y0 = u32(max(top, 0));
  let y1 = u32(min(top + i32(p.size), i32(p.h)));
  let x0 = u32(max(left, 0));
  let x1 = u32(min(left + i32(p.size), i32(p.w)));
  var best = (plane * p.h + y0) * p.w + x0;
  var value = x[p.x_base + best];
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) {
      let at = (plane * p.h + iy) * p.w + ix;
      let v = x[p.x_base + at];
      if (v > value) {
        value = v;
        best = at;
      }
    }
  }
  y[p.y_base + i] = value;
  switches[p.y_base + i] = first + best;
}
