// Loaded by import() only when the fidelity view is opened, so that vega and vega-lite (their own chunk)
// cost the page nothing until then.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { fidelityChartSpec, type FidelityReport } from '../src/mod.ts';

/**
 * Draws a fidelity report's curves into `container` as SVG: `fidelityChartSpec`, the Vega-Lite spec that
 * `deepinside fidelity --plot` renders, compiled by vega-lite and drawn by a vega `View`. Returns the view,
 * for the caller to `finalize()` before drawing the next.
 */
export async function renderFidelityChart(container: HTMLElement, report: FidelityReport): Promise<View> {
  const vega = compile(fidelityChartSpec(report) as unknown as TopLevelSpec).spec;
  const view = new View(parse(vega), { renderer: 'svg', container });
  await view.runAsync();
  return view;
}
