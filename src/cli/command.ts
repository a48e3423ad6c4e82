import type { Gpu } from '../gpu/mod.ts';

/** What a command may use: the GPU (asked for on first use), and where to print. */
export interface CommandContext {
  gpu(): Promise<Gpu>;
  /** A line of results, to standard output. */
  print(line: string): void;
  /** Progress and notes, to standard error; `progress` redraws one line when standard error is a terminal. */
  note(line: string): void;
  progress(line: string): void;
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
