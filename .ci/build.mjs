// Bundles an entry point (tests, benchmarks, the CLI) with esbuild into .build/, so that Node and the
// browser run the same TypeScript and read the same shaders/*.wgsl (as text, through the loader).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
  // The attribution methods timed per map, and VGG16's memory check (bench/attribution_methods.ts).
  methods: () => build({ ...common, entryPoints: ['bench/attribution_methods.ts'], outfile: '.build/bench/attribution-methods.mjs' }),
  peers: () => build({ ...common, entryPoints: ['bench/peers/check.ts'], outfile: '.build/bench/peers-check.mjs' }),
  // The first conv's gradient with the saliency map, fused and not (bench/saliency_fusion.ts).
  'saliency-fusion': () => build({ ...common, entryPoints: ['bench/saliency_fusion.ts'], outfile: '.build/bench/saliency-fusion.mjs' }),
  cli: () => build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: '.build/cli/main.mjs' }),
  // `deepinside saliency` on VGG16 timed as whole processes at several batch sizes (bench/cli_batches.ts).
  'cli-batches': () => build({ ...common, entryPoints: ['bench/cli_batches.ts'], outfile: '.build/bench/cli-batches.mjs' }),
  // The cluttered scenes as .npy, for weights/train_resnet.py (PyTorch).
  'dump-cluttered': () => build({ ...common, entryPoints: ['bench/dump_cluttered.ts'], outfile: '.build/bench/dump-cluttered.mjs' }),
  // PNG files laid out as one labelled sheet (docs/resnet-cluttered.png).
  'png-sheet': () => build({ ...common, entryPoints: ['bench/png_sheet.ts'], outfile: '.build/bench/png-sheet.mjs' }),
  // The tables of numbers in docs/, printed from bench/results (npm run docs; --check for CI).
  docs: () => build({ ...common, entryPoints: ['bench/doc_tables.ts'], outfile: '.build/bench/doc_tables.mjs' }),
  // The fully connected kernels' variants side by side at fc6 and fc8 (bench/linear_variants.ts).
  // The direct convs split over their input channels against unsplit (bench/conv_split.ts), and VGG16's
  // map by dispatch (bench/dispatch_profile.ts).
  'conv-split': () => build({ ...common, entryPoints: ['bench/conv_split.ts'], outfile: '.build/bench/conv-split.mjs' }),
  'dispatch-profile': () => build({ ...common, entryPoints: ['bench/dispatch_profile.ts'], outfile: '.build/bench/dispatch-profile.mjs' }),
  'linear-variants': () => build({ ...common, entryPoints: ['bench/linear_variants.ts'], outfile: '.build/bench/linear-variants.mjs' }),
  // The 3×3 conv kernels side by side, direct against Winograd (bench/winograd.ts).
  winograd: () => build({ ...common, entryPoints: ['bench/winograd.ts'], outfile: '.build/bench/winograd.mjs' }),
  // The browser demo as a static folder (DEEPINSIDE_DEMO_OUT, default demo/dist) with the models and images
  // of DEEPINSIDE_DEMO_WEIGHTS (default weights), and the small server `npm run demo` runs on it.
  demo: () => buildDemo(resolve(root, process.env.DEEPINSIDE_DEMO_WEIGHTS || 'weights'), resolve(root, process.env.DEEPINSIDE_DEMO_OUT || 'demo/dist')),
};

async function buildDemo(weights, out) {
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, 'manifest.json'))) {
    throw new Error(`build demo: ${out} is not empty and holds no manifest.json, so it is not an earlier build; refusing to replace it`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'weights', 'images'), { recursive: true });
  await build({
    ...common,
    platform: 'browser',
    target: 'es2022',
    packages: undefined,
    minify: true,
    sourcemap: 'linked',
    entryPoints: ['demo/main.ts'],
    // Split, so that OpenCV.js (about 10 MB, loaded by import() only when the page segments) is a chunk of
    // its own rather than part of main.js.
    outdir: out,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // OpenCV.js requires these only on its Node path; the browser never reaches those lines.
    external: ['fs', 'path', 'crypto'],
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(root, 'demo', file), join(out, file));
  // The page lists what is shipped, so it is read here: every model in the folder, every bundled image.
  const models = readdirSync(weights).filter((f) => f.endsWith('.safetensors')).sort();
  for (const file of models) copyFileSync(join(weights, file), join(out, 'weights', file));
  const folder = join(weights, 'images');
  const pngs = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.png')).sort() : [];
  const images = pngs.map((file) => {
    copyFileSync(join(folder, file), join(out, 'weights', 'images', file));
    return { file, ...pngHeader(readFileSync(join(folder, file)), file) };
  });
  const manifest = { models: models.map((f) => f.slice(0, -'.safetensors'.length)), images };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  await build({ ...common, entryPoints: ['demo/serve.ts'], outfile: '.build/demo/serve.mjs' });
  console.log(`build demo: ${out} (${models.length} model(s): ${manifest.models.join(', ') || 'none'}; ${images.length} image(s))`);
}

// A PNG's size and whether it is grey, from its IHDR chunk (colour types 0 and 4 are grey).
function pngHeader(bytes, file) {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 29 || signature.some((b, i) => bytes[i] !== b) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`build demo: ${file} is not a PNG`);
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), grey: bytes[25] === 0 || bytes[25] === 4 };
}

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(targets)) {
  const target = targets[name];
  if (!target) {
    console.error(`build: unknown target ${name}; known: ${Object.keys(targets).join(', ')}`);
    process.exit(2);
  }
  await target();
}
