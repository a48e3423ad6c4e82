// conv2d backward to the weights and bias, version 1: naive, one invocation per weight element
// (the first K·C·S·S invocations) or bias element (the next K), each summing over the batch and pixels.
// x: (N, C, H, W)  dy: (N, K, OH, OW)  dw: (K, C, S, S)  db: (K)
// When the batch is split into several dispatches, `accumulate` = 1 adds to what earlier ones wrote.

override WG: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, size: u32,
  pad: u32, x_base: u32, dy_base: u32, accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(4) var<storage, read_write> dbias: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  let weights = p.k * p.c * p.size * p.size;
  if (i >= weights + p.k) { return; }
  var sum = 0.0;
  if (i >= weights) {
    let k = i - weights;
    for (var n = 0u; n < p.n; n++) {
      for (var j = 0u; j < p.oh * p.ow; j++) {
        sum += dy[p.dy_base + (n * p.k + k) * p.oh * p.ow + j];
      }
    }
    dbias[k] = select(0.0, dbias[k], p.accumulate == 1u) + sum;
    return;
  }
  let s = i % p.size;
  let r = (i / p.size) % p.size;
  let c = (i / (p.size * p.size)) % p.c;
  let k = i / (p.size * p.size * p.c);
  for (var n = 0u; n < p.n; n++) {
    for (var oy = 0u; oy < p.oh; oy++) {
      let iy = i32(oy + r) - i32(p.pad);
      if (iy < 0 || iy >= i32(p.h)) { continue; }
      for (var ox = 0u; ox < p.ow; ox++) {
        let ix = i32(ox + s) - i32(p.pad);
        if (ix < 0 || ix >= i32(p.w)) { continue; }
        sum += dy[p.dy_base + ((n * p.k + k) * p.oh + oy) * p.ow + ox] * x[p.x_base + ((n * p.c + c) * p.h + u32(iy)) * p.w + u32(ix)];
      }
    }
  }
  dweight[i] = select(0.0, dweight[i], p.accumulate == 1u) + sum;
}
