#!/usr/bin/env node
// The `deepinside` command (package.json "bin"): builds .build/cli/main.mjs with esbuild when it is
// missing or older than any source file or shader, then runs it in this process. An installed package
// (npm pack runs the build first, and the tarball carries the bundle) has no esbuild, a devDependency:
// there the bundle it carries runs as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundle = join(root, '.build', 'cli', 'main.mjs');

/** The newest modification time of the files under `folder`, in milliseconds. */
function newest(folder) {
  let time = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

let built = 0;
try {
  built = statSync(bundle).mtimeMs;
} catch {
  built = 0;
}
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'shaders')), statSync(join(root, '.ci', 'build.mjs')).mtimeMs);
const canBuild = existsSync(join(root, 'node_modules', 'esbuild')) || existsSync(join(root, '..', 'esbuild'));
if (built === 0 || (built < sources && canBuild)) {
  const build = spawnSync(process.execPath, [join(root, '.ci', 'build.mjs'), 'cli'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('deepinside: building the command line failed (is esbuild installed? run npm install)');
    process.exit(build.status ?? 1);
  }
}
await import(pathToFileURL(bundle).href);
