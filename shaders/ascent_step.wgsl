// One step of class-model visualisation (Simonyan et al. 2014, section 2): gradient ascent on
// S_c(I) − λ‖I‖², i.e. I ← I + η (∂S_c/∂I − 2λ I), in place on I, over `count` elements.

override WG: u32;

struct Params {
  count: u32, image_base: u32, grad_base: u32,
  learning_rate: f32, l2: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> image: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  let v = image[p.image_base + i];
  image[p.image_base + i] = v + p.learning_rate * (grad[p.grad_base + i] - 2.0 * p.l2 * v);
}
