import type { VggModel, VggParameter } from '../nn/mod.ts';

/** What training updates when the lowest conv layers are frozen: where the backward pass stops, and which parameters move. */
export interface TrainableLayers {
  /** Index into `model.layers` of the lowest layer trained; `VggModel.backward`'s `downTo`. */
  readonly downTo: number;
  readonly parameters: readonly VggParameter[];
}

/**
 * The layers above the first `freeze` conv layers of `model` (0: all of them; every conv layer: the
 * classifier alone). The frozen layers still run forward, but get no gradient and no update, so a
 * fine-tune of the top costs little more than the forward pass.
 * @throws RangeError when `freeze` is not a whole number from 0 to the model's count of conv layers.
 */
export function trainableLayers(model: VggModel, freeze: number): TrainableLayers {
  const convs = model.layers.filter((layer) => layer.kind === 'conv').length;
  if (!Number.isInteger(freeze) || freeze < 0 || freeze > convs) {
    throw new RangeError(`train: freeze ${freeze} must be a whole number from 0 to ${convs} (the model's conv layers)`);
  }
  let downTo = 0;
  let frozen = 0;
  for (const [i, layer] of model.layers.entries()) {
    if (layer.kind === 'linear' || (layer.kind === 'conv' && frozen === freeze)) {
      downTo = i;
      break;
    }
    if (layer.kind === 'conv') frozen++;
  }
  const trained = new Set(model.layers.slice(downTo).flatMap((layer) => (layer.kind === 'conv' || layer.kind === 'linear' ? [layer.name] : [])));
  const parameters = model.parameters.filter((p) => trained.has(p.name.slice(0, p.name.lastIndexOf('.'))));
  return { downTo, parameters };
}
