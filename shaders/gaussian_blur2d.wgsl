// A Gaussian blur of every plane of x, edges clamped (the border pixel repeats):
// y[n, c, i, j] = Σ_{a,b ∈ [−r, r]} k[a] k[b] x[n, c, clamp(i + a), clamp(j + b)], k[a] ∝ exp(−a²/2σ²) summing
// to 1. A prior for class-model ascent (Yosinski et al. 2015): it damps the high frequencies that
// the gradient alone builds up. The images are small and r is a few pixels, so one pass of (2r+1)²
// taps beats two passes and their extra buffer.

override WG: u32;

struct Params {
  planes: u32, h: u32, w: u32, x_base: u32,
  y_base: u32, radius: u32, inv_two_sigma2: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  let pixels = p.h * p.w;
  if (i >= p.planes * pixels) { return; }
  let base = p.x_base + (i / pixels) * pixels;
  let row = i32((i % pixels) / p.w);
  let col = i32(i % p.w);
  let r = i32(p.radius);
  var norm = 0.0;
  for (var a = -r; a <= r; a++) { norm += exp(-f32(a * a) * p.inv_two_sigma2); }
  var sum = 0.0;
  for (var a = -r; a <= r; a++) {
    let from_row = u32(clamp(row + a, 0, i32(p.h) - 1));
    var across = 0.0;
    for (var b = -r; b <= r; b++) {
      let from_col = u32(clamp(col + b, 0, i32(p.w) - 1));
      across += exp(-f32(b * b) * p.inv_two_sigma2) * x[base + from_row * p.w + from_col];
    }
    sum += exp(-f32(a * a) * p.inv_two_sigma2) * across;
  }
  y[p.y_base + i] = sum / (norm * norm);
}
