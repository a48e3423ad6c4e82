import type { Gpu } from '../gpu/mod.ts';
import { initVggWeights, vggPreset } from '../model/mod.ts';
import { VggModel } from '../nn/mod.ts';
import { Random } from '../random/mod.ts';

/**
 * `deepinside check`: names the adapter and its limits, then runs a VGG16 (random He weights) at
 * 224×224 forward and backward to the input, timing each pass on the wall clock.
 */
export async function check(gpu: Gpu, print: (line: string) => void): Promise<void> {
  const limits = gpu.limits;
  print(`adapter: ${gpu.adapterName}`);
  print(`binding limit: ${(limits.maxBindingBytes / 1048576).toFixed(0)} MiB, largest buffer: ${(limits.maxBufferBytes / 1048576).toFixed(0)} MiB, timestamps: ${gpu.hasTimestamps ? 'yes' : 'no'}`);
  const spec = vggPreset('vgg16');
  const random = new Random(2014);
  const model = VggModel.create(gpu, { spec, weights: initVggWeights(spec, random) });
  const input = random.uniformArray(model.inputSize);
  let start = performance.now();
  await model.forward(input, 1);
  const logits = await gpu.read(model.logits);
  const forwardMs = performance.now() - start;
  const top = logits.indexOf(Math.max(...logits));
  start = performance.now();
  await model.backward(model.oneHot(1, [top]), 'gradient');
  const gradient = await gpu.read(model.inputGradient);
  const backwardMs = performance.now() - start;
  const norm = Math.sqrt(gradient.reduce((sum, g) => sum + g * g, 0));
  print(`VGG16 224×224 (random weights): forward ${forwardMs.toFixed(0)} ms, backward to the input ${backwardMs.toFixed(0)} ms, ‖∂S_${top}/∂I‖ = ${norm.toPrecision(4)}`);
  model.destroy();
}
