// Bundles an entry point (tests, benchmarks, the CLI) with esbuild into .build/, so that Node and the
// browser run the same TypeScript and read the same shaders/*.wgsl (as text, through the loader).
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.wgsl': 'text' },
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: root,
};

const targets = {
  // One bundle for all tests, split into chunks, so that they share one module graph (one GPU device).
  test: () => {
    const files = readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts')).sort();
    return build({
      ...common,
      entryPoints: ['test/run.ts'],
      outdir: '.build/test',
      outExtension: { '.js': '.mjs' },
      splitting: true,
      define: { TEST_FILES: JSON.stringify(files.map((f) => f.slice(0, -'.test.ts'.length))) },
    });
  },
  bench: () => build({ ...common, entryPoints: ['bench/run.ts'], outfile: '.build/bench/run.mjs' }),
  // The benchmark's peers (TF.js, ONNX Runtime) checked against the reference and timed on their own.
  peers: () => build({ ...common, entryPoints: ['bench/peers/check.ts'], outfile: '.build/bench/peers-check.mjs' }),
  cli: () => build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: '.build/cli/main.mjs' }),
};

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(targets)) {
  const target = targets[name];
  if (!target) {
    console.error(`build: unknown target ${name}; known: ${Object.keys(targets).join(', ')}`);
    process.exit(2);
  }
  await target();
}
