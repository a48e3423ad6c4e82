import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { onnxInt } from './onnx_int.ts';

const { onnx } = onnxProto;

/** The opsets of the default domain whose operators deepinside knows (what `torch.onnx.export` writes by default). */
export const ONNX_OPSETS = { first: 11, last: 17 } as const;

/**
 * Decodes an ONNX file (a ModelProto) with the `onnx-proto` package and checks what every later step
 * relies on: a graph is there, and its default-domain opset is one deepinside reads. A truncated or
 * corrupt file, or one that is not ONNX at all, is refused in one line.
 *
 * @throws RangeError, e.g. `onnx: the file is truncated or is not an ONNX model (index out of range: 812 + 10 > 816)`.
 */
export function readOnnx(bytes: Uint8Array): Onnx.ModelProto {
  if (bytes.length === 0) throw new RangeError('onnx: the file is empty');
  let model: Onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new RangeError(`onnx: the file is truncated or is not an ONNX model (${reason})`);
  }
  const graph = model.graph;
  if (!graph || (graph.node ?? []).length === 0) {
    throw new RangeError('onnx: the file holds no graph with nodes; it is corrupt or is not an ONNX model');
  }
  const opsets = (model.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx');
  if (opsets.length !== 1) {
    throw new RangeError(
      `onnx: the model imports the default operator set ${opsets.length} times; a valid model imports it once`,
    );
  }
  const version = onnxInt(opsets[0].version, 'the opset version');
  if (version < ONNX_OPSETS.first || version > ONNX_OPSETS.last) {
    throw new RangeError(
      `onnx: opset ${version} is not supported; deepinside reads opsets ${ONNX_OPSETS.first} to ${ONNX_OPSETS.last} ` +
        '(re-export with torch.onnx.export(..., opset_version=13))',
    );
  }
  return model;
}
