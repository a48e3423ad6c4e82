import type { Graph } from '../graph/mod.ts';
import { loadVgg } from './load_vgg.ts';
import { type OnnxOverrides, onnxToGraph } from './onnx_to_graph.ts';
import { vggGraph } from './vgg_graph.ts';

/** What the caller knows better than the file (`--mean`, `--std`, `--labels`), and the preset of a bare torchvision VGG. */
export interface LoadModelOptions extends OnnxOverrides {
  /** For a safetensors file without `deepinside` metadata (see `loadVgg`); ignored for ONNX. */
  readonly preset?: string;
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
 * @throws RangeError or Error from the format's loader, in one line (an unsupported operator names its
 *   node), or for overrides that do not fit the model.
 * @example
 * const { graph, notes } = loadModel(new Uint8Array(await (await fetch('resnet18.onnx')).arrayBuffer()));
 * const model = GraphModel.create(gpu, graph);
 */
export function loadModel(bytes: Uint8Array, options: LoadModelOptions = {}): LoadedModel {
  const { preset, ...overrides } = options;
  if (bytes.length === 0) throw new RangeError('the file is empty');
  if (!isSafetensors(bytes)) {
    try {
      const { graph, notes } = onnxToGraph(bytes, overrides);
      return { graph, notes, format: 'onnx' };
    } catch (error) {
      // ONNX's ModelProto starts with its ir_version field (tag 0x08) as torch.onnx.export and onnx write
      // it: a file that does not is likely neither format, and the message says both.
      if (bytes[0] === 0x08) throw error;
      throw new RangeError(`neither a safetensors file (an 8-byte header length, then '{') nor an ONNX model (${(error as Error).message.split('\n')[0]})`);
    }
  }
  const data = loadVgg(bytes, preset === undefined ? {} : { preset });
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
