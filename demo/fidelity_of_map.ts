// The saliency section's fidelity view: the deletion and insertion curves of the map on show, computed by
// the engine's own fidelity code (the protocol and defaults of `deepinside fidelity`) and drawn with the
// Vega-Lite spec of its --plot.
import {
  BOOTSTRAP_LEVEL,
  BOOTSTRAP_RESAMPLES,
  type Classifier,
  fidelityCurves,
  fidelityProtocol,
  type FidelityReport,
  summariseFidelity,
} from '../src/mod.ts';

/** The map the view measures: the image's normalised input and the method's map of one class. */
export interface FidelityInput {
  readonly model: string;
  readonly image: string;
  readonly rule: string;
  readonly classIndex: number;
  /** (C, H, W), normalised as the model reads it. */
  readonly input: Float32Array;
  /** (H, W). */
  readonly map: Float32Array;
}

/** What the view computed, for `globalThis.deepinsideDemo` (and the page test, which compares it with the CLI). */
export interface FidelityResult {
  readonly model: string;
  readonly image: string;
  readonly rule: string;
  readonly classIndex: number;
  readonly checkpoints: readonly number[];
  readonly deletion: readonly number[];
  readonly insertion: readonly number[];
  readonly deletionAuc: number;
  readonly insertionAuc: number;
}

/**
 * The curves of one image's map as `deepinside fidelity --images IMAGE --labels CLASS --maps` measures them:
 * the default protocol (10 steps, baseline 0 in normalised units, the class's softmax probability), one
 * image a pass, on the GPU. Returns the report the CLI's JSON holds for it (method named by `rule`), for
 * `fidelityChartSpec`, and its numbers as the page's results keep them.
 */
export async function fidelityOfMap(model: Classifier, shown: FidelityInput): Promise<{ report: FidelityReport; result: FidelityResult }> {
  const { height, width } = model.info.input;
  const protocol = fidelityProtocol(height, width);
  const curves = await fidelityCurves(model, shown.input, 1, shown.map, [shown.classIndex], protocol, { batch: 1 });
  const seed = 0;
  const report: FidelityReport = {
    run: {
      model: shown.model,
      model_sha256: '',
      source: shown.image,
      protocol: protocol.name,
      steps: protocol.checkpoints.length - 1,
      checkpoints: protocol.checkpoints,
      pixels: height * width,
      baseline: protocol.deletion,
      score: protocol.score,
      target: 'chosen',
      methods: [shown.rule],
      seed,
      batch: 1,
      count: 1,
      items: [0],
      shard: '0/1',
      bootstrap: { resamples: BOOTSTRAP_RESAMPLES, level: BOOTSTRAP_LEVEL, kind: 'percentile' },
    },
    results: new Map([[shown.rule, summariseFidelity(curves, seed)]]),
  };
  const { deletion, insertion } = report.results.get(shown.rule)!;
  const result: FidelityResult = {
    model: shown.model,
    image: shown.image,
    rule: shown.rule,
    classIndex: shown.classIndex,
    checkpoints: report.run.checkpoints,
    deletion: deletion.curves[0],
    insertion: insertion.curves[0],
    deletionAuc: deletion.auc,
    insertionAuc: insertion.auc,
  };
  return { report, result };
}
