import { readFileSync } from 'node:fs';
import type { LoadModelOptions } from '../model/mod.ts';
import { parseNumber } from './parse_options.ts';

/** The options every command that opens a model takes beside `--model`, for `parseOptions`. */
export const MODEL_OVERRIDE_OPTIONS = {
  mean: { type: 'string' },
  std: { type: 'string' },
  labels: { type: 'string' },
} as const;

/** The `--help` lines for `MODEL_OVERRIDE_OPTIONS`. */
export const MODEL_OVERRIDE_HELP = `  --mean M,M,M     the normalisation's per-channel mean (pixels in [0, 1]), replacing the model's
  --std S,S,S      its per-channel standard deviation: the input is (pixel − mean) / std
  --labels FILE    the class names, one a line (or a JSON array of strings), replacing the model's`;

/**
 * What `--mean`, `--std` and `--labels` say, parsed once for every command: comma-separated numbers (std
 * above 0), and a labels file of one label a line (trailing blank lines ignored) or a JSON array of strings.
 * Whether they fit the model (as many values as channels, labels as classes) is `loadModel`'s check.
 * @throws RangeError naming the option and the problem, or the labels file.
 */
export function parseModelOverrides(options: { readonly mean?: string; readonly std?: string; readonly labels?: string }): LoadModelOptions {
  const numbers = (option: string, text: string, positive: boolean) =>
    text.split(',').map((part) => parseNumber(option, part.trim(), positive ? { positive: true } : {}));
  return {
    ...(options.mean !== undefined ? { mean: numbers('--mean', options.mean, false) } : {}),
    ...(options.std !== undefined ? { std: numbers('--std', options.std, true) } : {}),
    ...(options.labels !== undefined ? { labels: readLabels(options.labels) } : {}),
  };
}

function readLabels(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RangeError(code === 'ENOENT' ? `--labels ${path} does not exist` : `--labels ${path} cannot be read: ${(error as Error).message}`);
  }
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new RangeError(`--labels ${path} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((l) => typeof l === 'string' && l.trim() !== '')) {
      throw new RangeError(`--labels ${path} must hold a JSON array of non-empty strings`);
    }
    return parsed as string[];
  }
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const blank = lines.findIndex((line) => line.trim() === '');
  if (blank >= 0) throw new RangeError(`--labels ${path}: line ${blank + 1} is blank; give one label a line`);
  return lines.map((line) => line.trim());
}
