// The points Integrated Gradients (Sundararajan et al. 2017) evaluates the gradient at, by the midpoint
// rule with m steps: for copy t of the batch, image i = t / m and step s = t % m (0-based),
//   out[t, e] = b + ((s + ½) / m) · (x[i, e] − b),
// the k-th midpoint x' + ((k − ½)/m)(x − x') for k = s + 1, x' the constant baseline b (normalised).
// x: (images, size)  out: (count, size), size = C·H·W; one invocation per output element. The dispatcher
// binds the images the copies need (from `x_image`) and the copies' run of the batch (from `first`).

override WG: u32;

struct Params {
  count: u32, x_base: u32, out_base: u32, size: u32,
  first: u32, steps: u32, x_image: u32, baseline: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count * p.size) { return; }
  let k = i / p.size;
  let e = i % p.size;
  let t = p.first + k;
  let image = t / p.steps - p.x_image;
  let alpha = (f32(t % p.steps) + 0.5) / f32(p.steps);
  out[p.out_base + i] = p.baseline + alpha * (x[p.x_base + image * p.size + e] - p.baseline);
}
