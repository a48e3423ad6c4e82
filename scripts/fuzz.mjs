// npm run fuzz -- [--runs N] [--seed S] [WORD…]: the fuzz tests (test/fuzz_*.test.ts) with N cases per
// parser and kind instead of the few hundred `npm test` runs, and a line per parser of what they saw.
// WORDs narrow the files as `npm test -- WORD` does (e.g. `npm run fuzz -- --runs 20000 png`).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let parsed;
try {
  parsed = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' } }, allowPositionals: true, strict: true });
} catch (error) {
  console.error(`fuzz: ${error.message.split(/\.(\s|$)/)[0]}; usage: npm run fuzz -- [--runs N] [--seed S] [WORD…]`);
  process.exit(2);
}
const { values, positionals } = parsed;
for (const [name, text] of Object.entries(values)) {
  if (!/^\d+$/.test(text) || (name === 'runs' && Number(text) < 1)) {
    console.error(`fuzz: --${name} ${text} is not a positive whole number`);
    process.exit(2);
  }
}
const env = {
  ...process.env,
  DEEPINSIDE_FUZZ_REPORT: '1',
  ...(values.runs ? { DEEPINSIDE_FUZZ_RUNS: values.runs } : {}),
  ...(values.seed ? { DEEPINSIDE_FUZZ_SEED: values.seed } : {}),
};
const run = (args) => spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' }).status ?? 1;
if (run([join(root, '.ci', 'build.mjs'), 'test']) !== 0) process.exit(1);
const words = positionals.length > 0 ? positionals.map((word) => `fuzz_${word}`) : ['fuzz_'];
process.exit(run([join(root, '.build', 'test', 'run.mjs'), ...words]));
