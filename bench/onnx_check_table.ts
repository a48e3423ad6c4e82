// The Markdown table of deepinside against PyTorch on torchvision models exported to ONNX, from
// bench/results/onnx_torch_check.json (written by bench/torch/export_check.py, which prints the same table
// with --phase table). `npm run docs` writes it into docs/onnx.md (bench/doc_tables.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ONNX_CHECK_RESULTS = join('bench', 'results', 'onnx_torch_check.json');

const RULES = ['gradient', 'deconvnet', 'guided'] as const;

/** One model's relative errors (`<what>_rel`) and PyTorch float32's against its float64 (`torch_float32_<what>_rel`). */
export type OnnxCheckModel = { readonly size: number } & Readonly<Record<string, number | boolean | string | readonly string[] | undefined>>;

export interface OnnxCheckResults {
  readonly torch: string;
  readonly date: string;
  readonly models: Readonly<Record<string, OnnxCheckModel>>;
}

export function readOnnxCheck(path = ONNX_CHECK_RESULTS): OnnxCheckResults {
  return JSON.parse(readFileSync(path, 'utf8')) as OnnxCheckResults;
}

/** A relative error: deepinside's, or (`floor`) PyTorch float32's; throws where the file lacks it. */
export function onnxCheckError(r: OnnxCheckResults, model: string, what: string, floor = false): number {
  const value = r.models[model]?.[floor ? `torch_float32_${what}_rel` : `${what}_rel`];
  if (typeof value !== 'number') throw new RangeError(`doc tables: no ${floor ? 'PyTorch float32 ' : ''}${what} error of ${model} in ${ONNX_CHECK_RESULTS}`);
  return value;
}

/** Python's `f'{x:.1e}'`: one decimal, a two-digit exponent (4.8e-07). */
export function pythonExponent(x: number, digits = 1): string {
  return x.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** The table export_check.py --phase table prints, and its two notes. */
export function onnxCheckTable(r: OnnxCheckResults): string {
  const rows = Object.entries(r.models).map(([name, m]) => {
    const cell = (what: string) => {
      const floor = m[`torch_float32_${what}_rel`];
      return pythonExponent(onnxCheckError(r, name, what)) + (typeof floor === 'number' ? ` (${pythonExponent(floor)})` : '');
    };
    return `| ${name} | ${m.size}×${m.size} | ${['logits', ...RULES].map(cell).join(' | ')} |`;
  });
  return [
    '| model (torchvision, random weights) | input | logits | saliency, gradient | deconvnet | guided |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'In brackets where measured: PyTorch float32 against its float64, the floor for any float32 engine.',
    '',
    `Relative error ‖deepinside − PyTorch‖ / ‖PyTorch‖ (PyTorch ${r.torch} in float64; deepinside in float32 on the GPU), from \`bench/torch/export_check.py\`, ${r.date.slice(0, 10)}.`,
  ].join('\n');
}
