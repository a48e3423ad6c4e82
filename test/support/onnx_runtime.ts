import type * as Ort from 'onnxruntime-node';

let ort: typeof Ort | undefined;

/**
 * Runs an ONNX model's bytes through ONNX Runtime's CPU provider, with graph optimisations off so that it
 * computes what the file says (batch norm unfolded), and returns the one output: input (n, C, H, W).
 */
export async function runOnnxRuntime(model: Uint8Array, input: ArrayLike<number>, dims: readonly number[]): Promise<Float32Array> {
  ort ??= await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  try {
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(input), [...dims]) };
    const outputs = await session.run(feeds);
    const output = outputs[session.outputNames[0]];
    if (!(output?.data instanceof Float32Array)) throw new Error('ONNX Runtime returned no float32 output');
    return output.data;
  } finally {
    await session.release();
  }
}
