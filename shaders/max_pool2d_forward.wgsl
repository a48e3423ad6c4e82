// 2×2 max-pool, stride 2, floor mode (as PyTorch), keeping the switches for backward.
// x: (N, C, H, W)  y: (N, C, OH, OW) with OH = ⌊H/2⌋, OW = ⌊W/2⌋  switches: (N, C, OH, OW) u32
// A switch is the flat index in the whole x tensor (image n0 + n of the dispatch) of the window's
// maximum; the first maximum in row-major order wins a tie (strict >), as in PyTorch, so that the
// deconvnet rule routes through the same element as the float64 reference.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, n0: u32, x_base: u32,
  y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> switches: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.c * p.oh * p.ow) { return; }
  let ox = i % p.ow;
  let oy = (i / p.ow) % p.oh;
  let plane = i / (p.ow * p.oh);  // n * C + c within this dispatch
  let top = (plane * p.h + 2u * oy) * p.w + 2u * ox;
  var best = top;
  var value = x[p.x_base + top];
  for (var j = 1u; j < 4u; j++) {
    let at = top + (j / 2u) * p.w + (j % 2u);
    let v = x[p.x_base + at];
    if (v > value) {
      value = v;
      best = at;
    }
  }
  y[p.y_base + i] = value;
  switches[p.y_base + i] = p.n0 * p.c * p.h * p.w + best;
}
