import type { AttributionMethod, AttributionOptions } from '../attribution/mod.ts';
import { localiseSegmentation, type SegmentationLocalisation, type SegmentationScores, type SegmentationSet } from '../evaluation/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import type { CommandContext } from './command.ts';
import { progressBar } from './progress_bar.ts';
import { throttle } from './progress_timing.ts';

/** What `localise --segment` adds to the help. */
export const LOCALISE_SEGMENT_HELP = `  --segment       score segmentation instead (the paper's section 6, as deepinside segment does
                  it: seeds at the map's 95% / below its 30% quantile, GrabCut 5 iterations, the
                  largest 8-connected component and its box), for the true and the top class
                  both (--class has no effect):
                  mean mask IoU and box IoU with the ground truth, and the localisation error
                  (share of scenes with box IoU < 0.5, the ILSVRC criterion); beside the map at
                  its 95% quantile without GrabCut, GrabCut from a centred box of the split's mean
                  box size (GC_INIT_WITH_RECT), and that centred box. --json then prints
                  {"model", "split", "count", "accuracy", "centredBox", "methods": {method:
                  {"truth"|"top": {"grabCut"|"threshold": {"maskIou", "boxIou", "error",
                  "failures"}}}}, "grabCutFromBox": {...}, "centred": {...}, "seconds"}`;

/** `localise --segment`: segmentation scored against the scenes' ground truth, printed or as JSON. */
export async function localiseSegment(
  context: CommandContext,
  model: Classifier,
  scenes: SegmentationSet,
  methods: readonly AttributionMethod[],
  options: { readonly batchSize: number; readonly json: boolean; readonly model: string | undefined; readonly split: string; readonly methodOptions?: AttributionOptions },
): Promise<void> {
  const show = throttle(1);
  const started = performance.now();
  const result = await localiseSegmentation(model, scenes, {
    methods,
    ...(options.methodOptions ? { methodOptions: options.methodOptions } : {}),
    batchSize: options.batchSize,
    onProgress: (done, total) => show(done === total, () => context.progress(`segmenting ${progressBar(done / total)} ${done}/${total}`)),
  });
  const seconds = (performance.now() - started) / 1000;
  if (options.json) {
    context.print(JSON.stringify(segmentationJson(result, options.model, options.split, seconds)));
    return;
  }
  context.print(`${scenes.name}: ${result.count} scenes; the model classifies ${(100 * result.accuracy).toFixed(2)}% correctly`);
  const percent = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(10);
  const row = (name: string, s: SegmentationScores) =>
    context.print(`${name.padEnd(40)}${percent(s.maskIou)}${percent(s.boxIou)}${percent(s.error)}${s.failures ? `  (${s.failures} maps could not seed)` : ''}`);
  context.print(`${'segmentation'.padEnd(40)}${'mask IoU'.padStart(10)}${'box IoU'.padStart(10)}${'loc. err'.padStart(10)}`);
  for (const [method, { truth, top }] of result.methods) {
    row(`${method} + GrabCut, true class`, truth.grabCut);
    row(`${method} + GrabCut, top class`, top.grabCut);
    row(`${method} ≥ 95% quantile, true class`, truth.threshold);
    row(`${method} ≥ 95% quantile, top class`, top.threshold);
  }
  row(`GrabCut from centred box [${result.centredBox.join(', ')}]`, result.grabCutFromBox);
  row('centred box', result.centred);
}

/** The JSON `localise --segment --json` prints (and bench/results/segmentation-*.json keep). */
export function segmentationJson(result: SegmentationLocalisation, model: string | undefined, split: string, seconds: number): object {
  return {
    model,
    split,
    count: result.count,
    accuracy: result.accuracy,
    centredBox: result.centredBox,
    methods: Object.fromEntries(result.methods),
    grabCutFromBox: result.grabCutFromBox,
    centred: result.centred,
    seconds,
  };
}
