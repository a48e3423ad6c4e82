import { describeGraph } from '../graph/mod.ts';
import type { Command } from './command.ts';
import { loadModelOption } from './load_model_option.ts';
import { MODEL_OVERRIDE_HELP, MODEL_OVERRIDE_OPTIONS, parseModelOverrides } from './model_overrides.ts';
import { parseOptions } from './parse_options.ts';

const HELP = `usage: deepinside describe --model M.safetensors|M.onnx [--preset NAME] [--json]
                          [--mean M,M,M] [--std S,S,S] [--labels FILE]

Prints the graph deepinside runs for a model, whichever file it came from: each node in the order
the forward pass runs them, with its op and attributes, its output shape for one image, its
parameters and its FLOPs, then the totals. Nothing runs on the GPU.

FLOPs are per image at the model's input size: 2 × multiply-adds for conv, linear and batch-norm
nodes; one per addition for add and average-pool nodes; none for ReLU and max-pool (comparisons).
Batch norm that an ONNX file had after a conv is already folded into it, as deepinside runs it.

  --model PATH    a VGG as .safetensors (README, "Models") or an ONNX file (docs/graphs.md)
  --preset NAME   the architecture of a bare torchvision file: vgg11, vgg13, vgg16 or vgg19
  --json          one JSON object instead: {"input", "classes", "nodes": [{"name", "op", "shape",
                  "parameters", "flops"}], "parameters", "flops"}
${MODEL_OVERRIDE_HELP}

example:
  npx deepinside describe --model weights/vgg-cluttered.safetensors`;

/** `deepinside describe`: a model's graph, node by node, with shapes, parameters and FLOPs. */
export const describeCommand: Command = {
  name: 'describe',
  summary: "a model's graph: each node's op, output shape, parameters and FLOPs, and the totals",
  help: HELP,
  async run(args, context) {
    const options = parseOptions('describe', args, {
      model: { type: 'string' },
      preset: { type: 'string' },
      json: { type: 'boolean' },
      ...MODEL_OVERRIDE_OPTIONS,
    });
    const loaded = loadModelOption(options.model, options.preset, parseModelOverrides(options));
    for (const note of loaded.notes) context.note(note);
    const { graph } = loaded;
    const described = describeGraph(graph);
    const { channels, height, width } = graph.info.input;
    const classes = graph.info.labels.length;
    if (options.json) {
      context.print(JSON.stringify({ input: graph.info.input, classes, ...described }));
      return 0;
    }
    const count = (v: number) => v.toLocaleString('en-US');
    const shape = (s: readonly number[]) => s.join('×');
    context.print(
      `${options.model} (${loaded.format}): input ${channels}×${height}×${width}, ${classes} classes, ` +
        `normalised by mean ${JSON.stringify(graph.info.normalize.mean)} std ${JSON.stringify(graph.info.normalize.std)}`,
    );
    const rows = [
      ['node', 'op', 'output', 'parameters', 'FLOPs'],
      ...described.nodes.map((n) => [n.name, n.op, shape(n.shape), count(n.parameters), count(n.flops)]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) {
      // Names, ops and shapes read left to right; counts line up on the right.
      context.print(row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
    }
    context.print(
      `total: ${described.nodes.length} nodes, ${count(described.parameters)} parameters, ` +
        `${(described.flops / 1e9).toFixed(2)} GFLOPs per image (${count(described.flops)})`,
    );
    return 0;
  },
};
