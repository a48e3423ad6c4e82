// One step of class-model visualisation about an anchor image I₀ and inside the pixel range: gradient
// ascent on S_c(I) − λ‖I − I₀‖², I ← clamp(I + η (∂S_c/∂I − 2λ (I − I₀)), lower_c, upper_c), in place.
// For a network normalised per channel the paper's zero image, the mean image, is I₀ (the training set's
// mean image, normalised); the clamp keeps every pixel one a real image could have.
// The image is a run of elements [start, start + count) of a (N, C, H, W) batch; I₀ is one (C, H, W)
// image, bounds[c] = (lower_c, upper_c).

override WG: u32;

struct Params {
  count: u32, image_base: u32, grad_base: u32, start: u32,
  plane: u32, channels: u32, learning_rate: f32, l2: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> image: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read> anchor: array<f32>;
@group(0) @binding(4) var<storage, read> bounds: array<vec2f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  let at = p.start + i;
  let pixel = at % (p.plane * p.channels);
  let range = bounds[pixel / p.plane];
  let v = image[p.image_base + i];
  let next = v + p.learning_rate * (grad[p.grad_base + i] - 2.0 * p.l2 * (v - anchor[pixel]));
  image[p.image_base + i] = clamp(next, range.x, range.y);
}
