import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Graph, GraphNode, GraphOp, Pads } from '../src/graph/mod.ts';
import { initVggWeights, vggLayers, type VggSpec } from '../src/model/mod.ts';
import {
  referenceGraphBackward,
  referenceGraphClassScoreGradient,
  referenceGraphForward,
  type ReferenceGraphForward,
  referenceVggBackward,
  referenceVggForward,
} from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { assertGradient, dot, pick } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';
import { vggSpecForTest } from './support/vgg_spec_for_test.ts';

const random = testRandom('reference_graph');

/** Builds a graph node by node with random weights (uniform in ±1/√fan-in, biases ±0.1). */
class Builder {
  readonly nodes: GraphNode[] = [];
  readonly weights = new Map<string, Float32Array>();

  node(name: string, op: GraphOp, inputs: string[]): string {
    this.nodes.push({ name, op, inputs, output: name });
    return name;
  }

  conv(name: string, x: string, c: number, k: number, size: number, stride: number, pads: Pads, bias = true): string {
    this.weights.set(`${name}.w`, random.uniformArray(k * c * size * size, -1 / Math.sqrt(c * size * size), 1 / Math.sqrt(c * size * size)));
    if (bias) this.weights.set(`${name}.b`, random.uniformArray(k, -0.1, 0.1));
    return this.node(name, { kind: 'conv', weight: `${name}.w`, ...(bias ? { bias: `${name}.b` } : {}), size, stride, pads }, [x]);
  }

  batchnorm(name: string, x: string, c: number): string {
    this.weights.set(`${name}.scale`, random.uniformArray(c, 0.5, 1.5));
    this.weights.set(`${name}.shift`, random.uniformArray(c, -0.2, 0.2));
    return this.node(name, { kind: 'batchnorm', scale: `${name}.scale`, shift: `${name}.shift` }, [x]);
  }

  linear(name: string, x: string, inFeatures: number, out: number, bias = true): string {
    this.weights.set(`${name}.w`, random.uniformArray(out * inFeatures, -1 / Math.sqrt(inFeatures), 1 / Math.sqrt(inFeatures)));
    if (bias) this.weights.set(`${name}.b`, random.uniformArray(out, -0.1, 0.1));
    return this.node(name, { kind: 'linear', weight: `${name}.w`, ...(bias ? { bias: `${name}.b` } : {}) }, [x]);
  }

  graph(input: { channels: number; height: number; width: number }, output: string, classes: number): Graph {
    const labels = Array.from({ length: classes }, (_, k) => `class ${k}`);
    const normalize = { mean: Array(input.channels).fill(0), std: Array(input.channels).fill(1) };
    return { info: { input, normalize, labels }, input: 'input', output, nodes: this.nodes, weights: this.weights };
  }
}

/**
 * A ResNet in miniature on (3, 13, 11): a 5×5/2 stem with asymmetric pads, batch norm, max-pool 3×3/2
 * p1, a basic block with an identity shortcut, a downsampling block whose shortcut is a 1×1/2
 * projection, an average pool, global pooling, and two linear layers (one without bias).
 */
function residualGraph(channels = 3, height = 13, width = 11, classes = 5): Graph {
  const b = new Builder();
  let x = b.conv('stem', 'input', channels, 4, 5, 2, [2, 1, 1, 2]);
  x = b.batchnorm('stem.bn', x, 4);
  x = b.node('stem.relu', { kind: 'relu' }, [x]);
  const pooled = b.node('pool', { kind: 'maxpool', size: 3, stride: 2, pads: [1, 1, 1, 1] }, [x]);
  // A basic block, identity shortcut: relu(bn(conv(relu(conv(x)))) + x).
  x = b.conv('block1.conv1', pooled, 4, 4, 3, 1, [1, 1, 1, 1], false);
  x = b.node('block1.relu1', { kind: 'relu' }, [x]);
  x = b.conv('block1.conv2', x, 4, 4, 3, 1, [1, 1, 1, 1]);
  x = b.node('block1.add', { kind: 'add' }, [x, pooled]);
  const block1 = b.node('block1.relu', { kind: 'relu' }, [x]);
  // A downsampling block: 3×3/2 on the main path, a 1×1/2 projection on the shortcut.
  x = b.conv('block2.conv1', block1, 4, 6, 3, 2, [1, 1, 1, 1]);
  x = b.node('block2.relu1', { kind: 'relu' }, [x]);
  x = b.conv('block2.conv2', x, 6, 6, 1, 1, [0, 0, 0, 0]);
  const shortcut = b.conv('block2.down', block1, 4, 6, 1, 2, [0, 0, 0, 0]);
  x = b.node('block2.add', { kind: 'add' }, [shortcut, x]);
  x = b.node('block2.relu', { kind: 'relu' }, [x]);
  x = b.node('avg', { kind: 'avgpool', size: 2, stride: 1, pads: [1, 0, 0, 1], countIncludePad: false }, [x]);
  x = b.node('gap', { kind: 'globalavgpool' }, [x]);
  x = b.node('flat', { kind: 'flatten' }, [x]);
  x = b.linear('fc1', x, 6, 7, false);
  x = b.node('fc1.relu', { kind: 'relu' }, [x]);
  x = b.linear('fc2', x, 7, classes);
  return b.graph({ channels, height, width }, x, classes);
}

/** True when two forward passes took the same branch at every relu and max-pool. */
function samePattern(graph: Graph, a: ReferenceGraphForward, b: ReferenceGraphForward): boolean {
  for (const node of graph.nodes) {
    if (node.op.kind === 'relu') {
      const xa = a.tensors.get(node.inputs[0]) as Float64Array;
      const xb = b.tensors.get(node.inputs[0]) as Float64Array;
      if (xa.some((v, i) => (v > 0) !== (xb[i] > 0))) return false;
    }
    if (node.op.kind === 'maxpool') {
      const sa = a.switches.get(node.name) as Uint32Array;
      const sb = b.switches.get(node.name) as Uint32Array;
      if (sa.some((v, i) => v !== sb[i])) return false;
    }
  }
  return true;
}

/**
 * Central differences of L = Σ logits · dout (random dout) along up to `count` random input coordinates,
 * passing over a coordinate whose step changes a relu or max-pool branch (no finite-difference truth there).
 * A random network can be dead at its input (every unit of a narrow relu layer negative), where every
 * derivative is 0 and the check would prove nothing: then it draws a fresh network, up to 5 in all.
 */
function checkInputGradient(network: () => Graph, n: number, count = 40): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    const graph = network();
    const { channels, height, width } = graph.info.input;
    const input = Float64Array.from({ length: n * channels * height * width }, () => random.uniform(-1, 1));
    const base = referenceGraphForward(graph, input, n);
    const dout = Float64Array.from(base.logits, () => random.uniform(-1, 1));
    const { dInput } = referenceGraphBackward(graph, base, dout, 'gradient');
    assert.is(dInput.length, input.length);
    const checked: number[] = [];
    const numeric: number[] = [];
    for (const i of random.shuffle(Array.from(input, (_, j) => j))) {
      if (checked.length === count) break;
      const saved = input[i];
      for (const h of [1e-5, 1e-7]) {
        input[i] = saved + h;
        const up = referenceGraphForward(graph, input, n);
        input[i] = saved - h;
        const down = referenceGraphForward(graph, input, n);
        input[i] = saved;
        if (!samePattern(graph, base, up) || !samePattern(graph, base, down)) continue;
        checked.push(i);
        numeric.push((dot(up.logits, dout) - dot(down.logits, dout)) / (2 * h));
        break;
      }
    }
    assert.ok(checked.length >= count / 2, `only ${checked.length} coordinates away from kinks (seed ${random.seed})`);
    assertGradient('dInput', pick(dInput, checked), numeric, random);
    // The input reaches the logits at all: a zero gradient would pass a relative test only against zeros.
    if (numeric.some((v) => Math.abs(v) > 1e-6)) return;
  }
  assert.unreachable(`5 random networks in a row had every checked derivative ~0 (seed ${random.seed})`);
}

test('reference graph of a small residual network (strided stem, max-pool 3×3/2 p1, projection shortcut) matches finite differences', () => {
  checkInputGradient(() => residualGraph(), 2);
});

test('reference graph on one channel, 17×9, matches finite differences', () => {
  checkInputGradient(() => residualGraph(1, 17, 9, 3), 1);
});

test('reference graph: an add reading one tensor twice doubles its gradient; a dead branch gets none', () => {
  const b = new Builder();
  const x = b.node('relu', { kind: 'relu' }, ['input']);
  b.node('dead', { kind: 'relu' }, ['input']);
  const y = b.node('twice', { kind: 'add' }, [x, x]);
  const f = b.node('flat', { kind: 'flatten' }, [y]);
  const graph = b.graph({ channels: 1, height: 1, width: 3 }, f, 3);
  const forward = referenceGraphForward(graph, [-1, 2, 3], 1);
  assert.equal([...forward.logits], [0, 4, 6]);
  const { dInput, gradients } = referenceGraphBackward(graph, forward, [5, 6, 7], 'gradient');
  assert.equal([...dInput], [0, 12, 14]);
  assert.not.ok(gradients.has('dead'));
});

test('reference graph: a residual sum passes both gradients to a shared input, then each rule gates it', () => {
  // y = relu(x) + x: d/dx = dy·[x > 0] + dy under `gradient`. With dy = [1, −1, 2]:
  const b = new Builder();
  const r = b.node('relu', { kind: 'relu' }, ['input']);
  const y = b.node('add', { kind: 'add' }, [r, 'input']);
  const f = b.node('flat', { kind: 'flatten' }, [y]);
  const graph = b.graph({ channels: 3, height: 1, width: 1 }, f, 3);
  const forward = referenceGraphForward(graph, [2, 3, -1], 1);
  assert.equal([...forward.logits], [4, 6, -1]);
  const dInput = (rule: (typeof RELU_RULES)[number]) => [...referenceGraphBackward(graph, forward, [1, -1, 2], rule).dInput];
  assert.equal(dInput('gradient'), [2, -2, 2]); // x > 0 at 0 and 1
  assert.equal(dInput('deconvnet'), [2, -1, 4]); // dy > 0 at 0 and 2
  assert.equal(dInput('guided'), [2, -1, 2]); // both only at 0
});

test('reference graph: a 2×2 kernel at stride 2 with pads (1, 0, 0, 1) on a 3×3 input, checked on paper', () => {
  // All-ones weights sum each window of the padded input (a row of zeros on top, a column on the right):
  //   0 0 0 0        windows at rows {0,1}, {2,3} and columns {0,1}, {2,3}:
  //   1 2 3 0        (0,0): 0+0+1+2 = 3    (0,1): 0+0+3+0 = 3
  //   4 5 6 0        (1,0): 4+5+7+8 = 24   (1,1): 6+0+9+0 = 15
  //   7 8 9 0
  const b = new Builder();
  b.weights.set('w', new Float32Array([1, 1, 1, 1]));
  const y = b.node('conv', { kind: 'conv', weight: 'w', size: 2, stride: 2, pads: [1, 0, 0, 1] }, ['input']);
  const f = b.node('flat', { kind: 'flatten' }, [y]);
  const graph = b.graph({ channels: 1, height: 3, width: 3 }, f, 4);
  const forward = referenceGraphForward(graph, [1, 2, 3, 4, 5, 6, 7, 8, 9], 1);
  assert.equal([...forward.logits], [3, 3, 24, 15]);
  assert.equal(forward.shapes.get('conv'), [1, 2, 2]);
  // Each input sits in exactly one window: its gradient is that window's dy.
  const { dInput } = referenceGraphBackward(graph, forward, [1, 2, 3, 4], 'gradient');
  assert.equal([...dInput], [1, 1, 2, 3, 3, 4, 3, 3, 4]);
});

test('reference graph: max-pool 3×3/2 p1 and average pools with and without counting padding, on paper', () => {
  // x (4×4) = 0..15 row-major; padded by 1 all round, windows start at −1 and 1 on each axis.
  const x = Array.from({ length: 16 }, (_, i) => i);
  const pool = (op: GraphOp) => {
    const b = new Builder();
    const f = b.node('flat', { kind: 'flatten' }, [b.node('pool', op, ['input'])]);
    return referenceGraphForward(b.graph({ channels: 1, height: 4, width: 4 }, f, 4), x, 1);
  };
  const max = pool({ kind: 'maxpool', size: 3, stride: 2, pads: [1, 1, 1, 1] });
  // Windows cover rows {0,1}, {1,2,3} and columns {0,1}, {1,2,3}: maxima at (1,1), (1,3), (3,1), (3,3).
  assert.equal([...max.logits], [5, 7, 13, 15]);
  assert.equal([...(max.switches.get('pool') as Uint32Array)], [5, 7, 13, 15]);
  // Window (0,0) holds 0, 1, 4, 5 (mean 2.5); (0,1) holds 1, 2, 3, 5, 6, 7 (mean 4); (1,1) holds 5..7, 9..11, 13..15 (mean 10).
  const inside = pool({ kind: 'avgpool', size: 3, stride: 2, pads: [1, 1, 1, 1], countIncludePad: false });
  assert.equal([...inside.logits], [2.5, 4, 8.5, 10]);
  const padded = pool({ kind: 'avgpool', size: 3, stride: 2, pads: [1, 1, 1, 1], countIncludePad: true });
  assertClose('count_include_pad', padded.logits, [10 / 9, 24 / 9, 51 / 9, 90 / 9]);
});

test('reference graph of a VGG spec equals the VGG reference forward and backward under all three rules', () => {
  const spec: VggSpec = vggSpecForTest({ channels: 3, height: 12, width: 10 }, [4, 'M', 6, 'M'], [8], 5, [2, 3]);
  const weights = initVggWeights(spec, random, { bias: 0.1 });
  const b = new Builder();
  for (const [name, values] of weights) b.weights.set(name, values);
  let x = 'input';
  let flattened = false;
  vggLayers(spec).forEach((layer, i) => {
    switch (layer.kind) {
      case 'conv':
        x = b.node(layer.name, { kind: 'conv', weight: `${layer.name}.weight`, bias: `${layer.name}.bias`, size: 3, stride: 1, pads: [1, 1, 1, 1] }, [x]);
        break;
      case 'relu':
        x = b.node(`relu${i}`, { kind: 'relu' }, [x]);
        break;
      case 'maxpool':
        x = b.node(`pool${i}`, { kind: 'maxpool', size: 2, stride: 2, pads: [0, 0, 0, 0] }, [x]);
        break;
      case 'avgpool':
        x = b.node(`avg${i}`, { kind: 'adaptiveavgpool', outHeight: layer.outHeight, outWidth: layer.outWidth }, [x]);
        break;
      case 'linear':
        if (!flattened) x = b.node('flatten', { kind: 'flatten' }, [x]);
        flattened = true;
        x = b.node(layer.name, { kind: 'linear', weight: `${layer.name}.weight`, bias: `${layer.name}.bias` }, [x]);
        break;
    }
  });
  const graph = b.graph(spec.input, x, 5);
  const n = 2;
  const input = Float64Array.from({ length: n * 3 * 12 * 10 }, () => random.uniform(-1, 1));
  const vgg = referenceVggForward(spec, weights, input, n);
  const ours = referenceGraphForward(graph, input, n);
  assertClose('logits', ours.logits, vgg.logits, { rel: 1e-12, rtol: 1e-12, random });
  const dLogits = Float64Array.from(vgg.logits, () => random.uniform(-1, 1));
  for (const rule of RELU_RULES) {
    const expected = referenceVggBackward(spec, weights, vgg, dLogits, rule).dInput;
    assertClose(`dInput (${rule})`, referenceGraphBackward(graph, ours, dLogits, rule).dInput, expected, { rel: 1e-12, rtol: 1e-12, random });
  }
  const classes = [1, 4];
  const { dInput } = referenceGraphClassScoreGradient(graph, input, n, classes, 'guided');
  const oneHot = new Float64Array(10);
  oneHot[1] = 1;
  oneHot[9] = 1;
  assertClose('class score gradient', dInput, referenceVggBackward(spec, weights, vgg, oneHot, 'guided').dInput, { rel: 1e-12, rtol: 1e-12, random });
});

test('reference graph refuses a node that reads a tensor no earlier node writes, and a window that does not fit', () => {
  const b = new Builder();
  const f = b.node('flat', { kind: 'flatten' }, ['nowhere']);
  assertThrowsWith(() => referenceGraphForward(b.graph({ channels: 1, height: 2, width: 2 }, f, 4), [1, 2, 3, 4], 1), RangeError, /"flat" reads "nowhere"/);
  const c = new Builder();
  const p = c.node('pool', { kind: 'maxpool', size: 3, stride: 1, pads: [0, 0, 0, 0] }, ['input']);
  assertThrowsWith(() => referenceGraphForward(c.graph({ channels: 1, height: 2, width: 2 }, p, 1), [1, 2, 3, 4], 1), RangeError, /node "pool" \(maxpool\): a 3×3 window does not fit a 2×2 input/);
});

test.run();
