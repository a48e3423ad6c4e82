import type { Normalize } from '../data/mod.ts';
import type { Graph, GraphNode, GraphOp } from '../graph/mod.ts';
import type { Random } from '../random/mod.ts';

/** torchvision's ResNets: blocks per stage, and whether a block is a bottleneck (1×1, 3×3, 1×1, ×4 wide). */
export const RESNET_DEPTHS = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
  101: { blocks: [3, 4, 23, 3], bottleneck: true },
  152: { blocks: [3, 8, 36, 3], bottleneck: true },
} as const;

/** What `resnetGraph` builds. */
export interface ResNetOptions {
  /** Blocks in each stage (torchvision's layer1 … layer4; fewer stages make a smaller network). */
  readonly blocks: readonly number[];
  readonly bottleneck: boolean;
  readonly input: { readonly channels: number; readonly height: number; readonly width: number };
  readonly labels: readonly string[];
  /** Default ImageNet's for 3 channels, else mean 0.5 and std 0.25 in each. */
  readonly normalize?: Normalize;
  /** Channels of the stem and of the first stage's planes, doubling each stage; default 64 as torchvision. */
  readonly width?: number;
  /**
   * `folded` (default): every batch norm already folded into the conv before it (a conv with bias), as an
   * ONNX import leaves it; `nodes`: convs without bias, each followed by a batchnorm node.
   */
  readonly batchNorm?: 'folded' | 'nodes';
}

const IMAGENET: Normalize = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * A torchvision ResNet (v1.5: a bottleneck's stride on its 3×3 conv) as a graph with random weights (He
 * uniform; a residual branch's last conv scaled by 0.2 so that activations stay of one size through the
 * adds): conv1 7×7/2 p3, bn1, relu, maxpool 3×3/2 p1, layer{s}.{b} blocks with 1×1 downsample projections
 * where the shape changes, avgpool (global), flatten, fc. Nodes are named by torchvision module path, a
 * block's ReLUs `relu`, `relu_1`, `relu_2` as `torch.onnx.export` numbers them. For tests and benchmarks:
 * the graph an exported torchvision ResNet becomes, without the file.
 * @example
 * const graph = resnetGraph({ ...RESNET_DEPTHS[50], input: { channels: 3, height: 224, width: 224 }, labels: IMAGENET_LABELS }, new Random(1));
 */
export function resnetGraph(options: ResNetOptions, random: Random): Graph {
  const width = options.width ?? 64;
  const separate = options.batchNorm === 'nodes';
  const nodes: GraphNode[] = [];
  const weights = new Map<string, Float32Array>();
  const node = (name: string, op: GraphOp, inputs: readonly string[]): string => {
    nodes.push({ name, op, inputs, output: name });
    return name;
  };
  const conv = (name: string, x: string, c: number, k: number, size: number, stride: number, scale = 1): string => {
    const bound = scale * Math.sqrt(6 / (c * size * size));
    weights.set(`${name}.weight`, random.uniformArray(k * c * size * size, -bound, bound));
    const pad = (size - 1) / 2;
    const pads = [pad, pad, pad, pad] as const;
    if (!separate) {
      weights.set(`${name}.bias`, random.uniformArray(k, -0.1, 0.1));
      return node(name, { kind: 'conv', weight: `${name}.weight`, bias: `${name}.bias`, size, stride, pads }, [x]);
    }
    return node(name, { kind: 'conv', weight: `${name}.weight`, size, stride, pads }, [x]);
  };
  // The batch norm after a conv: a node of its own, or nothing (already folded into the conv).
  const bn = (name: string, x: string, c: number): string => {
    if (!separate) return x;
    weights.set(`${name}.scale`, random.uniformArray(c, 0.5, 1.5));
    weights.set(`${name}.shift`, random.uniformArray(c, -0.2, 0.2));
    return node(name, { kind: 'batchnorm', scale: `${name}.scale`, shift: `${name}.shift` }, [x]);
  };
  const { channels } = options.input;
  let x = conv('conv1', 'input', channels, width, 7, 2);
  x = bn('bn1', x, width);
  x = node('relu', { kind: 'relu' }, [x]);
  x = node('maxpool', { kind: 'maxpool', size: 3, stride: 2, pads: [1, 1, 1, 1] }, [x]);
  let c = width;
  const expansion = options.bottleneck ? 4 : 1;
  options.blocks.forEach((count, stage) => {
    const planes = width * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const p = `layer${stage + 1}.${b}`;
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const out = planes * expansion;
      let y: string;
      if (options.bottleneck) {
        y = node(`${p}.relu`, { kind: 'relu' }, [bn(`${p}.bn1`, conv(`${p}.conv1`, x, c, planes, 1, 1), planes)]);
        y = node(`${p}.relu_1`, { kind: 'relu' }, [bn(`${p}.bn2`, conv(`${p}.conv2`, y, planes, planes, 3, stride), planes)]);
        y = bn(`${p}.bn3`, conv(`${p}.conv3`, y, planes, out, 1, 1, 0.2), out);
      } else {
        y = node(`${p}.relu`, { kind: 'relu' }, [bn(`${p}.bn1`, conv(`${p}.conv1`, x, c, planes, 3, stride), planes)]);
        y = bn(`${p}.bn2`, conv(`${p}.conv2`, y, planes, out, 3, 1, 0.2), out);
      }
      const shortcut = stride !== 1 || c !== out ? bn(`${p}.downsample.1`, conv(`${p}.downsample.0`, x, c, out, 1, stride), out) : x;
      x = node(`${p}.relu_${options.bottleneck ? 2 : 1}`, { kind: 'relu' }, [node(`${p}.add`, { kind: 'add' }, [y, shortcut])]);
      c = out;
    }
  });
  x = node('avgpool', { kind: 'globalavgpool' }, [x]);
  x = node('flatten', { kind: 'flatten' }, [x]);
  const classes = options.labels.length;
  const bound = Math.sqrt(6 / c);
  weights.set('fc.weight', random.uniformArray(classes * c, -bound, bound));
  weights.set('fc.bias', random.uniformArray(classes, -0.1, 0.1));
  x = node('fc', { kind: 'linear', weight: 'fc.weight', bias: 'fc.bias' }, [x]);
  return {
    info: {
      input: options.input,
      normalize: options.normalize ?? (channels === 3 ? IMAGENET : { mean: Array(channels).fill(0.5), std: Array(channels).fill(0.25) }),
      labels: options.labels,
    },
    input: 'input',
    output: x,
    nodes,
    weights,
  };
}
