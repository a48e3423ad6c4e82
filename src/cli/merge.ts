import { readFileSync } from 'node:fs';
import { fidelityJson, mergeFidelity, parseFidelityJson } from '../evaluation/mod.ts';
import { checkOutputPath } from './check_output_path.ts';
import type { Command } from './command.ts';
import { formatFidelityTable } from './format_fidelity_table.ts';
import { parseOptions } from './parse_options.ts';
import { writeFidelityPlot } from './write_fidelity_plot.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const HELP = `usage: deepinside merge SHARD.json … --json ALL.json [--plot FILE.svg|png]

Merges the partial JSON files of a sharded deepinside fidelity run (--shard i/n) into what one unsharded run
writes, to the bit: the curves and per-image AUCs are put back in item order, and the means and bootstrap
intervals computed as the unsharded run computes them. Shards must come from one run (same model file,
methods and their options, protocol, steps, baseline, score, target, seed, batch and items) and together hold every item once.

  --json FILE   the merged report (required)
  --plot FILE   its mean curves, as fidelity --plot draws them

example:
  npx deepinside merge shard-0.json shard-1.json --json all.json --plot curves.png`;

/** `deepinside merge`: the shards of a fidelity run into one report. */
export const mergeCommand: Command = {
  name: 'merge',
  summary: 'merge the --shard JSON files of a fidelity run into what one unsharded run writes',
  help: HELP,
  async run(args, context) {
    const files: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i].startsWith('--')) {
        rest.push(args[i]);
        if (i + 1 < args.length && !args[i].includes('=')) rest.push(args[++i]);
      } else {
        files.push(args[i]);
      }
    }
    const options = parseOptions('merge', rest, { json: { type: 'string' }, plot: { type: 'string' } });
    if (files.length === 0) throw new RangeError('merge: give the shards\' JSON files');
    if (options.json === undefined) throw new RangeError('merge: --json FILE is required');
    checkOutputPath('--json', options.json);
    if (options.plot !== undefined) {
      checkOutputPath('--plot', options.plot);
      if (!/\.(svg|png)$/i.test(options.plot)) throw new RangeError(`--plot ${options.plot} must end in .svg or .png`);
    }
    const reports = files.map((file) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new RangeError(`merge: cannot read ${file}: ${(error as Error).message}`);
      }
      return parseFidelityJson(text, file);
    });
    const merged = mergeFidelity(reports, files);
    for (const line of formatFidelityTable(merged)) context.print(line);
    writeFileAtomic(options.json, fidelityJson(merged));
    context.note(`wrote ${options.json}`);
    if (options.plot !== undefined) {
      await writeFidelityPlot(options.plot, merged);
      context.note(`wrote ${options.plot}`);
    }
    return 0;
  },
};
