import { formatBytes, type GpuLimits } from '../gpu/mod.ts';
import { type Graph, graphShapes, tensorSize } from '../graph/mod.ts';

/**
 * Refuses a batch whose largest tensor (the input or a layer's output, `batch` items of it, 4 bytes a
 * value) would exceed the adapter's largest buffer, before anything is allocated, naming the largest batch
 * that fits. Memory in all is not something WebGPU reports; an allocation that fails anyway is Dawn's
 * out-of-memory error, which `Gpu` turns into GpuFailureError with the same advice.
 * @throws RangeError naming the option, the tensor, the limit and the largest batch that fits.
 */
export function checkBatchFits(limits: Pick<GpuLimits, 'maxBufferBytes'>, graph: Graph, batch: number, option = '--batch'): void {
  const { shapes, producer } = graphShapes(graph);
  let largest = { name: 'the input', values: tensorSize(shapes.get(graph.input)!) };
  for (const [tensor, shape] of shapes) {
    const values = tensorSize(shape);
    if (values > largest.values) largest = { name: `${graph.nodes[producer.get(tensor)!].name}'s output`, values };
  }
  const perItem = 4 * largest.values;
  const fits = Math.floor(limits.maxBufferBytes / perItem);
  if (batch <= fits) return;
  const advice = fits >= 1 ? `the largest ${option} that fits is ${fits}` : `not even one item fits: the model's input is too large for this adapter`;
  throw new RangeError(
    `${option} ${batch} needs ${formatBytes(batch * perItem)} for ${largest.name} but this adapter's largest buffer is ${formatBytes(limits.maxBufferBytes)}; ${advice}`,
  );
}
