// The `deepinside` command line: finds the command, runs it, and turns any error into one line and a
// non-zero exit code.
import { type Gpu, GpuFailureError, type KernelSet, NoWebGpuError, requestGpu } from '../gpu/mod.ts';
import { FormatError } from '../io/mod.ts';
import type { CommandContext } from './command.ts';
import { COMMANDS } from './commands.ts';
import { removeTemporaryFiles } from './write_file_atomic.ts';

const USAGE = `usage: deepinside <command> [options]   (deepinside <command> --help for each)

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

environment:
  DEEPINSIDE_KERNELS=portable  run the plainer kernels that a browser without a GPU (SwiftShader) runs,
                               to reproduce its numbers bit for bit (default: tuned, the fastest here)`;

// A progress line redrawn on the terminal has no newline yet; whatever is written next ends it first.
let progressShown = false;
function endProgress(): void {
  if (progressShown) process.stderr.write('\n');
  progressShown = false;
}

// The kernel set DEEPINSIDE_KERNELS names, checked by main() before any command runs.
let kernelSet: KernelSet | undefined;

/** The GPU, with the kernels DEEPINSIDE_KERNELS names. */
async function gpu(): Promise<Gpu> {
  const shared = await requestGpu();
  if (kernelSet !== undefined) shared.kernels = kernelSet;
  return shared;
}

const context: CommandContext = {
  gpu,
  print: (line) => {
    endProgress();
    console.log(line);
  },
  note: (line) => {
    endProgress();
    console.error(line);
  },
  progress: (line) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[2K${line}`);
      progressShown = true;
    } else {
      console.error(line);
    }
  },
};

async function main(args: readonly string[]): Promise<number> {
  const kernels = process.env.DEEPINSIDE_KERNELS;
  if (kernels !== undefined && kernels !== '' && kernels !== 'tuned' && kernels !== 'portable') {
    throw new RangeError(`DEEPINSIDE_KERNELS=${kernels} is not one of tuned, portable`);
  }
  kernelSet = kernels === 'tuned' || kernels === 'portable' ? kernels : undefined;
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`deepinside: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  return command.run(rest, context);
}

// Ctrl-C or a kill stops the command between two steps of its work (the handler runs on the event loop, so
// never inside a file's synchronous write): every file already written is whole, temporary files go, and
// the exit code is the shell's 128 + the signal's number.
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]] as const) {
  process.on(signal, () => {
    removeTemporaryFiles();
    endProgress();
    console.error(`deepinside: interrupted (${signal}); stopped, leaving no partial file`);
    process.exit(128 + number);
  });
}

try {
  const code = await main(process.argv.slice(2));
  endProgress();
  process.exit(code);
} catch (error) {
  // Bad input is the user's to fix: one line. Anything else is ours: the stack helps a bug report.
  const expected =
    error instanceof NoWebGpuError ||
    error instanceof GpuFailureError ||
    error instanceof FormatError ||
    error instanceof RangeError ||
    error instanceof TypeError;
  const text = error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
  endProgress();
  console.error(`deepinside: ${text}`);
  process.exit(1);
}
