// A Gaussian blur of every plane of x, edges clamped (the border pixel repeats):
// y[n, c, i, j] = Σ_{a,b ∈ [−r, r]} k[a] k[b] x[n, c, clamp(i + a), clamp(j + b)], k the kernel
// exp(−a²/2σ²) scaled to sum to 1, given as weights (k[−r], …, k[r]) packed four to a vec4.
// A prior for class-model ascent (Yosinski et al. 2015): it damps the high frequencies that the
// gradient alone builds up.
// x, y: (planes, H, W), planes = N·C. One invocation per output element, workgroups along a plane's
// pixels in x and over planes in y. The images are small and r is a few pixels, so one pass of
// (2r+1)² taps beats two passes and their extra buffer.

override WG: u32;

struct Params {
  h: u32, w: u32, x_base: u32, y_base: u32,
  radius: u32, _pad0: u32, _pad1: u32, _pad2: u32,
  k: array<vec4f, 13>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;


@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let pixel = wid.x * WG + lid;
  let pixels = p.h * p.w;
  if (pixel >= pixels) { return; }
  let row = i32(pixel / p.w);
  let col = i32(pixel) - row * i32(p.w);
  let base = p.x_base + wid.y * pixels;
  let r = i32(p.radius);
  // The weights, unpacked once: a constant-size private array, indexed by tap.
  var k: array<f32, 52>;
  for (var q = 0u; q < 13u; q++) {
    let four = p.k[q];
    k[4u * q] = four.x; k[4u * q + 1u] = four.y; k[4u * q + 2u] = four.z; k[4u * q + 3u] = four.w;
  }
  var sum = 0.0;
  for (var a = -r; a <= r; a++) {
    let from_row = u32(clamp(row + a, 0, i32(p.h) - 1));
    var across = 0.0;
    for (var b = -r; b <= r; b++) {
      let from_col = u32(clamp(col + b, 0, i32(p.w) - 1));
      across = fma(k[b + r], x[base + from_row * p.w + from_col], across);
    }
    sum = fma(k[a + r], across, sum);
  }
  y[p.y_base + wid.y * pixels + pixel] = sum;
}
