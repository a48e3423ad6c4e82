// Prints the Markdown table of insertion/deletion AUCs from the committed fidelity results
// (bench/results/fidelity-*.json, written by `deepinside fidelity --json`), beside the rows of the page
// deepinside was seeded from (measured there with Xplique's Deletion and Insertion metrics, their defaults).
// `npm run docs` writes it into README.md and docs/fidelity.md (bench/doc_tables.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseFidelityJson } from '../src/evaluation/mod.ts';

/** The seed's rows: dataset, network, deletion, insertion. */
const SEED_ROWS: ReadonlyArray<readonly [string, string, number, number]> = [
  ['CUB-200-2011', 'ResNet-101', 0.0682, 0.6585],
  ['CelebA', 'ArcFace ResNet-101', 0.1453, 0.4632],
  ['VGGFace2', 'ResNet-101', 0.1907, 0.5612],
];

/** The committed fidelity results (bench/results/fidelity-*.json) unless files are named. */
export function fidelityResultFiles(given: readonly string[] = []): string[] {
  const folder = 'bench/results';
  return given.length > 0 ? [...given] : readdirSync(folder).filter((f) => /^fidelity-.*\.json$/.test(f)).sort().map((f) => join(folder, f));
}

/**
 * The Markdown table of `files`' AUCs beside the seed's rows, the caveat, and the command behind each file
 * (or, with `commandsAt`, a link to the document that lists them: the README's copy stays short).
 */
export function fidelityTable(files: readonly string[], commandsAt?: string): string {
  const lines = [
    '| data | network | map | images | steps | deletion ↓ [95% CI] | insertion ↑ [95% CI] |',
    '|---|---|---|---:|---:|---|---|',
    ...SEED_ROWS.map(([data, network, del, ins]) => `| ${data} (the seed's table) | ${network} | as on the seed's page | — | 10 | ${del.toFixed(4)} | ${ins.toFixed(4)} |`),
  ];
  const commands: string[] = [];
  for (const file of files) {
    const { run, results } = parseFidelityJson(readFileSync(file, 'utf8'), file);
    for (const [method, { deletion, insertion }] of results) {
      const ci = (s: typeof deletion) => `${s.auc.toFixed(4)} [${s.interval[0].toFixed(4)}, ${s.interval[1].toFixed(4)}]`;
      lines.push(`| ${run.source} | ${run.model} | ${method} | ${run.items.length} | ${run.steps} | ${ci(deletion)} | ${ci(insertion)} |`);
    }
    const match = /^(cluttered|fashion-mnist) (test|train)(?: \(first (\d+)\))?$/.exec(run.source);
    const items = match ? `--dataset ${match[1]} --split ${match[2]}${match[3] ? ` --limit ${match[3]}` : ''}` : `--images … (${run.source})`;
    commands.push(
      `- ${basename(file)}: \`deepinside fidelity --model weights/${run.model} ${items} --method ${run.methods.join(',')} ` +
        `--steps ${run.steps} --batch ${run.batch} --seed ${run.seed} --json ${file}\` (score: ${run.score} of the ${run.target} class, baseline ${run.baseline ?? '—'}, ` +
        `model sha256 ${run.model_sha256.slice(0, 12)}…)`,
    );
  }
  return [
    lines.join('\n'),
    '',
    "The seed's rows and ours differ in dataset, network and map: they show the scale of the numbers, not a comparison.",
    ...(commandsAt
      ? [`Intervals: percentile bootstrap of the per-image AUCs, 1,000 resamples, seeded. The commands that produced them: ${commandsAt}.`]
      : ['Intervals: percentile bootstrap of the per-image AUCs, 1,000 resamples, seeded. Produced by:', commands.join('\n')]),
  ].join('\n');
}
