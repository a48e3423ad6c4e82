// The `deepinside` command line. Each command is one file of this folder.
import { NoWebGpuError, requestGpu } from '../gpu/mod.ts';
import { check } from './check.ts';

const USAGE = `usage: deepinside <command>

commands:
  check    name the WebGPU adapter and time a VGG16 forward and backward pass`;

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'check') {
    console.error(`deepinside: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help')) {
    console.log('usage: deepinside check\n\nNames the WebGPU adapter and its limits, and times a VGG16 (random weights) at 224×224.');
    return 0;
  }
  await check(await requestGpu(), (line) => console.log(line));
  return 0;
}

try {
  process.exit(await main(process.argv.slice(2)));
} catch (error) {
  const message = error instanceof NoWebGpuError || error instanceof RangeError ? error.message : String(error instanceof Error ? error.stack : error);
  console.error(`deepinside: ${message}`);
  process.exit(1);
}
