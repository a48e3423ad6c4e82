// The noisy copies SmoothGrad (Smilkov et al. 2017) averages the gradient over: for copy t of the batch,
// image i = t / samples,
//   out[t, e] = x[i, e] + σ_i · z(seed, offset + t, e),   z ~ N(0, 1),
// with z from a counter-based generator, so that any copy's noise is known without running the others
// and the float64 reference (src/reference/noisy_copies.ts) reproduces it from the same integers
// (`offset` numbers the copies of images that came before this run in a larger set):
//   stream = pcg(seed + pcg(t)),  h1 = pcg(pcg(e) ^ stream),  h2 = pcg(h1)   (u32, wrapping)
//   u1 = (h1 >> 8 + 1) / 2²⁴ ∈ (0, 1],  u2 = (h2 >> 8) / 2²⁴ ∈ [0, 1)
//   z = √(−2 ln u1) · cos(2π u2)                                              (Box–Muller)
// pcg is the PCG output hash (Jarzynski & Olano 2020, "Hash Functions for GPU Rendering").
// x: (images, size)  sigma: (images)  out: (count, size), size = C·H·W; one invocation per output element.

override WG: u32;

struct Params {
  count: u32, x_base: u32, out_base: u32, sigma_base: u32,
  size: u32, first: u32, samples: u32, x_image: u32,
  seed: u32, offset: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> sigma: array<f32>;

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn normal(t: u32, e: u32) -> f32 {
  let stream = pcg(p.seed + pcg(t));
  let h1 = pcg(pcg(e) ^ stream);
  let h2 = pcg(h1);
  let u1 = (f32(h1 >> 8u) + 1.0) / 16777216.0;
  let u2 = f32(h2 >> 8u) / 16777216.0;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count * p.size) { return; }
  let k = i / p.size;
  let e = i % p.size;
  let t = p.first + k;
  let image = t / p.samples;
  out[p.out_base + i] = x[p.x_base + (image - p.x_image) * p.size + e] + sigma[p.sigma_base + image] * normal(p.offset + t, e);
}
