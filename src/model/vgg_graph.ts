import type { Graph, GraphNode, GraphOp } from '../graph/mod.ts';
import type { VggModelData } from './load_vgg.ts';
import { vggLayers } from './vgg_layers.ts';

/** The graph's input tensor. */
const INPUT = 'input';

/**
 * A VGG as a graph: the nodes an ONNX export of torchvision's VGG in eval mode gives (dropout is gone),
 * each named by its torchvision module path and writing the tensor of that name: `features.0` (conv),
 * `features.1` (ReLU), …, `avgpool` (where the spec's AdaptiveAvgPool2d changes the size), `flatten`
 * (torch.flatten(x, 1)), `classifier.0` (linear), `classifier.1` (ReLU), …; VGG16's last ReLU is
 * `features.29`. The weights are the model's own arrays under torchvision's names; `info` is the spec.
 * @example
 * const model = GraphModel.create(gpu, vggGraph(loadVgg(bytes)));
 */
export function vggGraph(data: VggModelData): Graph {
  const { spec } = data;
  const nodes: GraphNode[] = [];
  let last = INPUT;
  const push = (name: string, op: GraphOp): void => {
    nodes.push({ name, op, inputs: [last], output: name });
    last = name;
  };
  // torchvision's Sequential indices: a conv and its ReLU take two places in features, a max-pool one;
  // in classifier a linear, its ReLU and the dropout after it take three.
  let feature = 0;
  let linear = -1;
  for (const layer of vggLayers(spec)) {
    switch (layer.kind) {
      case 'conv':
        push(`features.${feature++}`, { kind: 'conv', weight: `${layer.name}.weight`, bias: `${layer.name}.bias`, size: 3, stride: 1, pads: [1, 1, 1, 1] });
        break;
      case 'relu':
        push(linear < 0 ? `features.${feature++}` : `classifier.${3 * linear + 1}`, { kind: 'relu' });
        break;
      case 'maxpool':
        push(`features.${feature++}`, { kind: 'maxpool', size: 2, stride: 2, pads: [0, 0, 0, 0] });
        break;
      case 'avgpool':
        push('avgpool', { kind: 'adaptiveavgpool', outHeight: layer.outHeight, outWidth: layer.outWidth });
        break;
      case 'linear':
        if (linear < 0) push('flatten', { kind: 'flatten' });
        linear++;
        push(layer.name, { kind: 'linear', weight: `${layer.name}.weight`, bias: `${layer.name}.bias` });
        break;
    }
  }
  return { info: spec, input: INPUT, output: last, nodes, weights: data.weights };
}
