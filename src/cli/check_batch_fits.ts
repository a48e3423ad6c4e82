import { formatBytes, type GpuLimits } from '../gpu/mod.ts';
import { type VggSpec, vggLayers } from '../model/mod.ts';

/**
 * Refuses a batch whose largest tensor (the input or a layer's output, `batch` items of it, 4 bytes a
 * value) would exceed the adapter's largest buffer, before anything is allocated, naming the largest batch
 * that fits. Memory in all is not something WebGPU reports; an allocation that fails anyway is Dawn's
 * out-of-memory error, which `Gpu` turns into GpuFailureError with the same advice.
 * @throws RangeError naming the option, the tensor, the limit and the largest batch that fits.
 */
export function checkBatchFits(limits: Pick<GpuLimits, 'maxBufferBytes'>, spec: VggSpec, batch: number, option = '--batch'): void {
  const { channels, height, width } = spec.input;
  let largest = { name: 'the input', values: channels * height * width };
  for (const layer of vggLayers(spec)) {
    const values = layer.kind === 'conv' ? layer.outChannels * layer.height * layer.width : layer.kind === 'linear' ? layer.outFeatures : 0;
    if (values > largest.values) largest = { name: `${layer.kind === 'conv' || layer.kind === 'linear' ? layer.name : 'a layer'}'s output`, values };
  }
  const perItem = 4 * largest.values;
  const fits = Math.floor(limits.maxBufferBytes / perItem);
  if (batch <= fits) return;
  const advice = fits >= 1 ? `the largest ${option} that fits is ${fits}` : `not even one item fits: the model's input is too large for this adapter`;
  throw new RangeError(
    `${option} ${batch} needs ${formatBytes(batch * perItem)} for ${largest.name} but this adapter's largest buffer is ${formatBytes(limits.maxBufferBytes)}; ${advice}`,
  );
}
