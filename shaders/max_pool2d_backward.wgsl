// 2×2 max-pool backward: routes each output gradient to the input element its switch names.
// dy: (N, C, OH, OW)  switches: (N, C, OH, OW) u32 (flat indices into the whole x)  dx: (N, C, H, W)
// One invocation per input element gathers from the single window that holds it, so no two
// invocations write the same element and no atomics are needed; rows and columns that floor mode
// drops get zero.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, n0: u32, dy_base: u32,
  dx_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> switches: array<u32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.c * p.h * p.w) { return; }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let plane = i / (p.w * p.h);
  let oy = iy / 2u;
  let ox = ix / 2u;
  var g = 0.0;
  if (oy < p.oh && ox < p.ow) {
    let o = (plane * p.oh + oy) * p.ow + ox;
    if (switches[p.dy_base + o] == p.n0 * p.c * p.h * p.w + i) {
      g = dy[p.dy_base + o];
    }
  }
  dx[p.dx_base + i] = g;
}
