// SGD with momentum, as PyTorch's torch.optim.SGD: g' = g + wd·θ; v ← μ·v + g'; θ ← θ − lr·v.
// param, grad and velocity have `count` elements each (windows of larger tensors).

override WG: u32;

struct Params {
  count: u32, param_base: u32, grad_base: u32, velocity_base: u32,
  learning_rate: f32, momentum: f32, weight_decay: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  let theta = param[p.param_base + i];
  let g = grad[p.grad_base + i] + p.weight_decay * theta;
  let v = p.momentum * velocity[p.velocity_base + i] + g;
  velocity[p.velocity_base + i] = v;
  param[p.param_base + i] = theta - p.learning_rate * v;
}
