import type { GraphModel } from '../graph/mod.ts';
import type { VggModelData, VggSpec } from '../model/mod.ts';

/** A VGG's current weights, read back from the GPU under their torchvision names, with its spec: ready for `saveVgg`. */
export async function readVggWeights(model: GraphModel, spec: VggSpec): Promise<VggModelData> {
  const weights = new Map<string, Float32Array>();
  for (const p of model.parameters) weights.set(p.name, await model.gpu.read(p.value));
  return { spec, weights };
}
