import type { VggModelData } from '../model/mod.ts';
import type { VggModel } from '../nn/mod.ts';

/** A model's current weights, read back from the GPU, ready for `saveVgg`. */
export async function readVggWeights(model: VggModel): Promise<VggModelData> {
  const weights = new Map<string, Float32Array>();
  for (const p of model.parameters) weights.set(p.name, await model.gpu.read(p.value));
  return { spec: model.spec, weights };
}
