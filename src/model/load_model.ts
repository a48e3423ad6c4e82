import type { Graph } from '../graph/mod.ts';
import { countNonFinite, FormatError } from '../io/mod.ts';
import { loadVgg } from './load_vgg.ts';
import { type OnnxOverrides, onnxToGraph } from './onnx_to_graph.ts';
import { vggGraph } from './vgg_graph.ts';

/** What the caller knows better than the file (`--mean`, `--std`, `--labels`), and the preset of a bare torchvision VGG. */
export interface LoadModelOptions extends OnnxOverrides {
  /** For a safetensors file without `deepinside` metadata (see `loadVgg`); ignored for ONNX. */
  readonly preset?: string;
  /** The file's name, for the FormatError a bad file gets. */
  readonly name?: string;
}

/** A model file as a graph, whatever its format. */
export interface LoadedModel {
  readonly graph: Graph;
  /** The training split's mean image, (C, H, W) pixels in [0, 1], when the file carries one (safetensors from `train`). */
  readonly meanImage?: Float32Array;
  /** One line for each default the importer used (an ONNX file without metadata), for the user to see. */
  readonly notes: string[];
  readonly format: 'safetensors' | 'onnx';
}

/**
 * Whether `bytes` begin as a safetensors file does: an 8-byte little-endian header length (under 4 GiB:
 * its top four bytes zero), then the header's opening `{`. An ONNX file (a protobuf ModelProto) begins
 * with field tags and values instead, never four zero bytes there. A truncated safetensors file still
 * sniffs as one, so that its own loader says what is wrong.
 */
export function isSafetensors(bytes: Uint8Array): boolean {
  return bytes.length >= 9 && bytes[8] === 0x7b && bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0;
}

/**
 * Loads a model file of either format into a `Graph`: safetensors (a VGG: `loadVgg`, then `vggGraph`) or
 * ONNX (`onnxToGraph`), told apart by their first bytes. `mean`, `std` and `labels` replace the file's
 * (or the defaults), in both formats.
 * @throws FormatError from the format's loader, in one line naming the file (an unsupported operator names its
 *   node), or for overrides that do not fit the model.
 * @example
 * const { graph, notes } = loadModel(new Uint8Array(await (await fetch('resnet18.onnx')).arrayBuffer()));
 * const model = GraphModel.create(gpu, graph);
 */
export function loadModel(bytes: Uint8Array, options: LoadModelOptions = {}): LoadedModel {
  const { preset, name, ...overrides } = options;
  if (bytes.length === 0) throw new FormatError('model', 'the file is empty', name);
  if (!isSafetensors(bytes)) {
    let imported: ReturnType<typeof onnxToGraph>;
    try {
      imported = onnxToGraph(bytes, overrides);
    } catch (error) {
      // Whatever the importer refuses (a truncated file, an operator it cannot run) is the file's to fix;
      // its messages begin `onnx: `, which the FormatError says once. ONNX's ModelProto starts with its
      // ir_version field (tag 0x08) as torch.onnx.export and onnx write it: a file that does not is likely
      // neither format, and the message says both.
      const message = (error as Error).message.split('\n')[0].replace(/^onnx: /, '');
      if (bytes[0] === 0x08) throw new FormatError('onnx', message, name);
      throw new FormatError('model', `neither a safetensors file (an 8-byte header length, then '{') nor an ONNX model (onnx: ${message})`, name);
    }
    const { graph, notes } = imported;
    // Checked after folding: a NaN in a batch norm's statistics reaches the conv's weights.
    for (const [tensor, values] of graph.weights) {
      const bad = countNonFinite(values);
      if (bad > 0) {
        throw new FormatError('onnx', `weight "${tensor}" holds ${bad} non-finite value${bad === 1 ? '' : 's'} (NaN or ±Infinity) of ${values.length}; a model with them computes NaN maps`, name);
      }
    }
    return { graph, notes, format: 'onnx' };
  }
  const data = loadVgg(bytes, { ...(preset === undefined ? {} : { preset }), ...(name === undefined ? {} : { name }) });
  const { spec } = data;
  const { channels } = spec.input;
  for (const key of ['mean', 'std'] as const) {
    const values = overrides[key];
    if (values !== undefined && values.length !== channels) {
      throw new RangeError(`--${key} gives ${values.length} values but the model takes ${channels} channel(s)`);
    }
  }
  if (overrides.std?.some((s) => !(s > 0))) throw new RangeError('--std values must all be > 0');
  if (overrides.labels !== undefined && overrides.labels.length !== spec.labels.length) {
    throw new RangeError(`--labels gives ${overrides.labels.length} labels but the model has ${spec.labels.length} classes`);
  }
  const info = {
    ...spec,
    normalize: { mean: overrides.mean ?? spec.normalize.mean, std: overrides.std ?? spec.normalize.std },
    labels: overrides.labels ?? spec.labels,
  };
  const graph = vggGraph({ ...data, spec: info });
  return { graph, notes: [], format: 'safetensors', ...(data.meanImage ? { meanImage: data.meanImage } : {}) };
}
