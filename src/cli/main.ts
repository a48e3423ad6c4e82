// The `deepinside` command line: finds the command, runs it, and turns any error into one line and a
// non-zero exit code.
import { type Gpu, GpuFailureError, type KernelSet, NoWebGpuError, requestGpu } from '../gpu/mod.ts';
import { FormatError } from '../io/mod.ts';
import type { CommandContext } from './command.ts';
import { COMMANDS } from './commands.ts';
import { ProgressPrinter } from './progress_printer.ts';
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { CHILD_STDERR_FD, FILTERED_CHILD, runFiltered, STDERR_COLUMNS } from './run_filtered.ts';
import { removeTemporaryFiles } from './write_file_atomic.ts';

const USAGE = `usage: deepinside <command> [options]   (deepinside <command> --help for each)

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

options for every command:
  --quiet      print only errors and the paths of what is written (and a command's results on stdout)
  --verbose    also show what the WebGPU runtime prints (Dawn's warnings at device creation)

environment:
  DEEPINSIDE_KERNELS=portable  run the plainer kernels that a browser without a GPU (SwiftShader) runs,
                               to reproduce its numbers bit for bit (default: tuned, the fastest here)
  NO_COLOR=1                   no colour in error messages (https://no-color.org)

example:
  npx deepinside predict --model weights/vgg-fashion.safetensors --image weights/images/fashion-0-t-shirt-top.png`;

// The kernel set DEEPINSIDE_KERNELS names, checked by main() before any command runs.
let kernelSet: KernelSet | undefined;

/** The GPU, with the kernels DEEPINSIDE_KERNELS names. */
async function gpu(): Promise<Gpu> {
  const shared = await requestGpu();
  if (kernelSet !== undefined) shared.kernels = kernelSet;
  return shared;
}

// In the filtered child, messages go to the parent's standard error (descriptor 3), the real terminal or log.
const errorFd = process.env[FILTERED_CHILD] === '1' ? CHILD_STDERR_FD : 2;
const stderrTty = isatty(errorFd);
const columns = errorFd === 2 ? process.stderr.columns || 80 : Number(process.env[STDERR_COLUMNS]) || 80;
const color = stderrTty && !process.env.NO_COLOR;
/** Writes to standard error (the parent's, in the filtered child), synchronously, so that order is kept. */
const writeError = (text: string) => void writeSync(errorFd, text);

function makeContext(quiet: boolean): { context: CommandContext; printer: ProgressPrinter } {
  const printer = new ProgressPrinter({
    mode: quiet ? 'quiet' : stderrTty && !process.env.CI ? 'tty' : 'log',
    write: writeError,
    columns,
  });
  const context: CommandContext = {
    gpu,
    print: (line) => {
      printer.endLine();
      console.log(line);
    },
    note: (line) => {
      if (quiet) return;
      printer.endLine();
      writeError(`${line}\n`);
    },
    progress: (line, count) => printer.progress(line, count),
  };
  return { context, printer };
}

/** Takes the options every command shares out of its arguments. */
function globalFlags(args: readonly string[]): { rest: string[]; quiet: boolean; verbose: boolean } {
  return {
    rest: args.filter((a) => a !== '--quiet' && a !== '--verbose'),
    quiet: args.includes('--quiet'),
    verbose: args.includes('--verbose'),
  };
}

let printer: ProgressPrinter | undefined;

async function main(args: readonly string[]): Promise<number> {
  const kernels = process.env.DEEPINSIDE_KERNELS;
  if (kernels !== undefined && kernels !== '' && kernels !== 'tuned' && kernels !== 'portable') {
    throw new RangeError(`DEEPINSIDE_KERNELS=${kernels} is not one of tuned, portable`);
  }
  kernelSet = kernels === 'tuned' || kernels === 'portable' ? kernels : undefined;
  const [name, ...given] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`deepinside: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  if (given.includes('--help') || given.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  const { rest, quiet, verbose } = globalFlags(given);
  if (quiet && verbose) throw new RangeError(`${name}: --quiet and --verbose contradict each other; give one`);
  // Dawn's native code writes its warnings to file descriptor 2 directly: only a parent process reading
  // this one's standard error can drop them. --verbose shows them.
  if (!verbose && process.env[FILTERED_CHILD] !== '1') return runFiltered(args);
  const made = makeContext(quiet);
  printer = made.printer;
  stopOnSignals();
  return command.run(rest, made.context);
}

/**
 * Ctrl-C or a kill stops the command between two steps of its work (the handler runs on the event loop, so
 * never inside a file's synchronous write): every file already written is whole, temporary files go, and
 * the exit code is the shell's 128 + the signal's number. Installed in the process that runs the command;
 * the parent that filters its standard error passes signals on and exits with its code.
 */
function stopOnSignals(): void {
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]] as const) {
    process.on(signal, () => {
      removeTemporaryFiles();
      printer?.endLine();
      console.error(`deepinside: interrupted (${signal}); stopped, leaving no partial file`);
      process.exit(128 + number);
    });
  }
}

try {
  const code = await main(process.argv.slice(2));
  printer?.endLine();
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
  printer?.endLine();
  writeError(`${color ? '\x1b[1;31mdeepinside:\x1b[0m' : 'deepinside:'} ${text}\n`);
  process.exit(1);
}
