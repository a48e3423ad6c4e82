// Softmax cross-entropy over a batch, and its gradient to the logits, for training.
// logits: (N, CLASSES)  labels: (N) u32  losses: (N), −log softmax(logits[n])[label[n]]
// dlogits: (N, CLASSES) = (softmax − one-hot) / N, the gradient of the batch's mean loss.
// One invocation per row; the max is subtracted before exp so that large logits do not overflow.

override WG: u32;

struct Params {
  n: u32, classes: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> losses: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = gid.x;
  if (n >= p.n) { return; }
  let row = n * p.classes;
  var most = logits[row];
  for (var j = 1u; j < p.classes; j++) { most = max(most, logits[row + j]); }
  var total = 0.0;
  for (var j = 0u; j < p.classes; j++) { total += exp(logits[row + j] - most); }
  let label = labels[n];
  losses[n] = log(total) - (logits[row + label] - most);
  let scale = 1.0 / f32(p.n);
  for (var j = 0u; j < p.classes; j++) {
    let probability = exp(logits[row + j] - most) / total;
    dlogits[row + j] = (probability - select(0.0, 1.0, j == label)) * scale;
  }
}
