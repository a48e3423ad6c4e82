import type { Classifier } from '../graph/mod.ts';
import { bilinearUpsample, gradCam, gradCamWeights } from '../nn/mod.ts';
import { gradCamLayer } from './grad_cam_layer.ts';
import { type SaliencyMaps, topClasses } from './saliency_maps.ts';

/**
 * Grad-CAM (Selvaraju et al. 2017) for a batch that fits one pass: with A the feature maps of `layer`
 * (default `gradCamLayer`: the last spatial output before the final pooling), w_k = spatial mean of
 * ∂S_c/∂A_k and map = ReLU(Σ_k w_k A_k), bilinearly upsampled to the input's (H, W) with half-pixel
 * centres (PyTorch's align_corners=False). One forward and one backward pass, which keeps A and ∂S_c/∂A;
 * every step on the GPU. input: (n, C, H, W) normalised.
 * @throws RangeError when `layer` names no spatial output or the model has none.
 */
export async function gradCamMaps(
  model: Classifier,
  input: Float32Array,
  n: number,
  classes: readonly number[] | 'top',
  layer?: string,
): Promise<SaliencyMaps> {
  const outputs = model.spatialOutputs();
  const target = layer === undefined ? gradCamLayer(outputs) : outputs.find((o) => o.name === layer);
  if (!target) {
    const names = outputs.map((o) => o.name);
    throw new RangeError(`gradcam: layer "${layer}" is not a spatial output of the model; ${names.length ? `they are ${names.join(', ')}` : 'it has none'}`);
  }
  if (classes !== 'top') model.oneHot(n, classes);
  const gpu = model.gpu;
  // A, and ∂S_c/∂A, which a fused ReLU would otherwise leave unwritten.
  model.keep([target.name]);
  await model.forward(input, n);
  const logits = await gpu.read(model.logits);
  const chosen = classes === 'top' ? topClasses(logits, n, model.classes) : [...classes];
  await model.backward(model.oneHot(n, chosen), 'gradient', { input: false });
  const s = { n, c: target.channels, h: target.height, w: target.width };
  const { height: h, width: w } = model.info.input;
  const weights = gpu.tensor(n * s.c, 'grad-cam weights');
  const cam = gpu.tensor(n * s.h * s.w, 'grad-cam coarse map');
  const map = gpu.tensor(n * h * w, 'grad-cam map');
  try {
    await gradCamWeights(gpu, s, model.activationGradient(target.name), weights);
    await gradCam(gpu, s, model.activation(target.name), weights, cam);
    await bilinearUpsample(gpu, { planes: n, inH: s.h, inW: s.w, outH: h, outW: w }, cam, map);
    return { maps: await gpu.read(map), logits, classes: chosen };
  } finally {
    weights.buffer.destroy();
    cam.buffer.destroy();
    map.buffer.destroy();
  }
}
