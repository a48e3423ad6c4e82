// Adaptive average pooling backward: each input element gathers dy / (window size) from every output
// cell whose window holds it (windows overlap when H is not a multiple of OH).
// dy: (N, C, OH, OW)  dx: (N, C, H, W); one invocation per input element.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  oh: u32, ow: u32, dy_base: u32, dx_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.n * p.c * p.h * p.w) { return; }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let plane = i / (p.w * p.h);
  var sum = 0.0;
  for (var oy = 0u; oy < p.oh; oy++) {
    let y0 = (oy * p.h) / p.oh;
    let y1 = ((oy + 1u) * p.h + p.oh - 1u) / p.oh;
    if (iy < y0 || iy >= y1) { continue; }
    for (var ox = 0u; ox < p.ow; ox++) {
      let x0 = (ox * p.w) / p.ow;
      let x1 = ((ox + 1u) * p.w + p.ow - 1u) / p.ow;
      if (ix < x0 || ix >= x1) { continue; }
      sum += dy[p.dy_base + (plane * p.oh + oy) * p.ow + ox] / f32((y1 - y0) * (x1 - x0));
    }
  }
  dx[p.dx_base + i] = sum;
}
