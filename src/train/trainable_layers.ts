import type { GraphModel, GraphParameter } from '../graph/mod.ts';

/** What training updates when the lowest conv layers are frozen: where the backward pass stops, and which parameters move. */
export interface TrainableLayers {
  /** Index into `model.graph.nodes` of the lowest node trained; `GraphModel.backward`'s `downTo`. */
  readonly downTo: number;
  readonly parameters: readonly GraphParameter[];
}

/**
 * The nodes above the first `freeze` conv nodes of `model` (0: all of them; every conv node: the
 * linear layers alone), in node order. The frozen nodes still run forward, but get no gradient and no
 * update, so a fine-tune of the top costs little more than the forward pass.
 * @throws RangeError when `freeze` is not a whole number from 0 to the model's count of conv layers.
 */
export function trainableLayers(model: GraphModel, freeze: number): TrainableLayers {
  const nodes = model.graph.nodes;
  const convs = nodes.filter((node) => node.op.kind === 'conv').length;
  if (!Number.isInteger(freeze) || freeze < 0 || freeze > convs) {
    throw new RangeError(`train: freeze ${freeze} must be a whole number from 0 to ${convs} (the model's conv layers)`);
  }
  let downTo = 0;
  let frozen = 0;
  for (const [i, node] of nodes.entries()) {
    if (node.op.kind === 'linear' || (node.op.kind === 'conv' && frozen === freeze)) {
      downTo = i;
      break;
    }
    if (node.op.kind === 'conv') frozen++;
  }
  const trained = new Set(
    nodes.slice(downTo).flatMap(({ op }) => (op.kind === 'conv' || op.kind === 'linear' ? [op.weight, ...(op.bias !== undefined ? [op.bias] : [])] : [])),
  );
  return { downTo, parameters: model.parameters.filter((p) => trained.has(p.name)) };
}
