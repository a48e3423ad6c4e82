// Adam, as PyTorch's torch.optim.Adam (L2 weight decay added to the gradient):
//   g' = g + wd·θ;  m ← β₁m + (1−β₁)g';  v ← β₂v + (1−β₂)g'²;
//   θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
// The bias corrections 1−β₁ᵗ and 1−β₂ᵗ come in from the CPU, computed in float64.

override WG: u32;

struct Params {
  count: u32, param_base: u32, grad_base: u32, m_base: u32,
  v_base: u32, learning_rate: f32, beta1: f32, beta2: f32,
  epsilon: f32, weight_decay: f32, correction1: f32, correction2: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= p.count) { return; }
  let theta = param[p.param_base + i];
  let g = grad[p.grad_base + i] + p.weight_decay * theta;
  let m1 = p.beta1 * m[p.m_base + i] + (1.0 - p.beta1) * g;
  let v1 = p.beta2 * v[p.v_base + i] + (1.0 - p.beta2) * g * g;
  m[p.m_base + i] = m1;
  v[p.v_base + i] = v1;
  param[p.param_base + i] = theta - p.learning_rate * (m1 / p.correction1) / (sqrt(v1 / p.correction2) + p.epsilon);
}
