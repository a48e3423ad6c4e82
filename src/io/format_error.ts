/**
 * A file that cannot be read as what it claims to be: truncated, corrupt, lying in its lengths, offsets
 * or shapes, or holding values the library refuses (NaN weights). Every parser throws it, so a caller
 * (the CLI, the demo page) can tell a bad file — the user's to fix, one line — from a bug in the library.
 *
 * `message` is `FILE: FORMAT: PROBLEM` when the file's name is known, else `FORMAT: PROBLEM`.
 * @example
 * try { readSafetensors(bytes, 'model.safetensors'); } catch (e) { if (e instanceof FormatError) show(e.message); }
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  /** The file as the caller named it, or undefined when the parser was given bytes without a name. */
  readonly file: string | undefined;
  /** What the file claims to be: `safetensors`, `npy`, `idx`, `png`, `vgg spec`, ... */
  readonly format: string;
  /** The problem, without the file's name. */
  readonly problem: string;

  constructor(format: string, problem: string, file?: string) {
    super(file === undefined ? `${format}: ${problem}` : `${file}: ${format}: ${problem}`);
    this.format = format;
    this.problem = problem;
    this.file = file;
  }

  /** The same error naming `file` (the CLI knows the path; a parser given bytes does not). */
  withFile(file: string): FormatError {
    return this.file === file ? this : new FormatError(this.format, this.problem, file);
  }
}

/** `parse()`, its FormatErrors naming `file` when given: how a parser that reads bytes names them. */
export function withFileName<T>(file: string | undefined, parse: () => T): T {
  if (file === undefined) return parse();
  try {
    return parse();
  } catch (error) {
    throw error instanceof FormatError ? error.withFile(file) : error;
  }
}
