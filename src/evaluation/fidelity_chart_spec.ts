import type { FidelityReport } from './fidelity_report.ts';

/** A Vega-Lite specification, as plain JSON (compiled by the `vega-lite` package where it is drawn). */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * The chart of a fidelity report as a Vega-Lite spec: two panels (deletion, insertion), the mean score over
 * images at each checkpoint against the fraction of pixels changed, one line per method, whose legend entry
 * carries both AUCs. Plain data, no drawing: the CLI renders it to SVG/PNG, a browser can hand it to vega-embed.
 */
export function fidelityChartSpec(report: FidelityReport): VegaLiteSpec {
  const { run } = report;
  const values: Array<Record<string, string | number>> = [];
  for (const [method, result] of report.results) {
    const series = `${method}: deletion ${result.deletion.auc.toFixed(4)}, insertion ${result.insertion.auc.toFixed(4)}`;
    for (const kind of ['deletion', 'insertion'] as const) {
      const curves = result[kind].curves;
      run.checkpoints.forEach((k, i) => {
        let sum = 0;
        for (const curve of curves) sum += curve[i];
        values.push({ series, curve: kind, fraction: k / run.pixels, score: sum / curves.length });
      });
    }
  }
  const score = run.score === 'prob' ? `mean softmax probability of the ${run.target} class` : `mean logit of the ${run.target} class`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Deletion (lower AUC is better) and insertion (higher is better): ${run.source}`,
      subtitle: `${run.items.length} image${run.items.length === 1 ? '' : 's'}, ${run.protocol === 'rise' ? `RISE, ${run.pixels_per_step} pixels a step` : `${run.steps} steps, baseline ${run.baseline}`}; legend: AUCs`,
    },
    data: { values },
    facet: { column: { field: 'curve', type: 'nominal', title: null, sort: ['deletion', 'insertion'] } },
    spec: {
      width: 320,
      height: 240,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'fraction', type: 'quantitative', title: 'fraction of pixels deleted / inserted', scale: { domain: [0, 1] } },
        y: { field: 'score', type: 'quantitative', title: score },
        color: { field: 'series', type: 'nominal', title: 'method: AUC', legend: { orient: 'bottom', columns: 1, labelLimit: 400 } },
      },
    },
    config: { background: 'white' },
  };
}
