import type { Gpu } from '../gpu/mod.ts';
import type { ProgressCount } from './progress_printer.ts';

/** What a command may use: the GPU (asked for on first use), and where to print. */
export interface CommandContext {
  gpu(): Promise<Gpu>;
  /** A line of results, to standard output. */
  print(line: string): void;
  /** A note, to standard error (not shown with --quiet). */
  note(line: string): void;
  /**
   * Progress, to standard error: on a terminal one line redrawn in place, in a pipe or log one line per
   * tenth of a job at most (when `count` says how far it is), with --quiet nothing. With a count the
   * line gains the job's rate and time left.
   */
  progress(line: string, count?: ProgressCount): void;
}

/** One `deepinside` subcommand. */
export interface Command {
  readonly name: string;
  /** One line, for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs with the arguments after the command's name; resolves to the exit code. Throws on bad input. */
  run(args: readonly string[], context: CommandContext): Promise<number>;
}
