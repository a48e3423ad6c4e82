import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { fidelityChartSpec, type FidelityReport } from '../evaluation/mod.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

/**
 * Draws a fidelity report's mean curves (see `fidelityChartSpec`) to `path`: the Vega-Lite spec compiled by
 * vega-lite, rendered headless to SVG by vega's `View.toSVG()`, and for `.png` rasterised by resvg at 2×.
 */
export async function writeFidelityPlot(path: string, report: FidelityReport): Promise<void> {
  const vega = compile(fidelityChartSpec(report) as unknown as TopLevelSpec).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  if (/\.svg$/i.test(path)) {
    writeFileAtomic(path, svg);
    return;
  }
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
  writeFileAtomic(path, png);
}
