import { formatDuration } from './progress_timing.ts';

/** How far a job has come, given with a progress line so that the printer can add its rate and time left. */
export interface ProgressCount {
  /** Names the job: a new name starts a new clock. */
  readonly job: string;
  readonly done: number;
  readonly total: number;
  /** What is counted, plural: `steps`, `images`. */
  readonly unit: string;
  /** False where the line already says its own rate and time left (training does). */
  readonly timed?: boolean;
}

/** Where and how `ProgressPrinter` prints. */
export interface ProgressPrinterOptions {
  /** `tty`: one line redrawn in place; `log`: whole lines, one per 10% of a job at most; `quiet`: nothing. */
  readonly mode: 'tty' | 'log' | 'quiet';
  readonly write: (text: string) => void;
  /** The terminal's width: a redrawn line longer than it would wrap and stop being redrawn in place. */
  readonly columns?: number;
  /** Milliseconds; `performance.now` unless a test drives the clock. */
  readonly now?: () => number;
}

/**
 * The progress lines of a command. On a terminal each line replaces the one before (at most ten redraws
 * a second, and always the last of a job), with the job's rate and the time left appended; in a pipe or
 * a CI log a job prints a line each time it passes another tenth of its total (so at most ten), and a
 * line without a count prints as it is; quiet prints nothing.
 */
export class ProgressPrinter {
  #shown = false;
  #job: { name: string; start: number; startDone: number; tenth: number; drawn: number } | undefined;
  readonly #now: () => number;

  constructor(private readonly options: ProgressPrinterOptions) {
    this.#now = options.now ?? (() => performance.now());
  }

  /** Shows a progress line, with its job's count when it has one. */
  progress(line: string, count?: ProgressCount): void {
    const { mode } = this.options;
    if (mode === 'quiet') return;
    const now = this.#now();
    let job = this.#job;
    if (count && (!job || job.name !== count.job)) {
      job = this.#job = { name: count.job, start: now, startDone: count.done, tenth: Math.min(9, Math.floor((10 * count.done) / Math.max(1, count.total))), drawn: -Infinity };
    }
    if (!count) this.#job = undefined;
    const finished = count !== undefined && count.done >= count.total;
    if (mode === 'log') {
      if (count && job) {
        const tenth = Math.floor((10 * count.done) / Math.max(1, count.total));
        if (tenth <= job.tenth && !(finished && job.tenth < 10)) return;
        job.tenth = finished ? 10 : tenth;
      }
      this.options.write(`${line}${count && job ? this.#rate(count, job, now) : ''}\n`);
      return;
    }
    if (count && job) {
      if (!finished && now - job.drawn < 100) return;
      job.drawn = now;
    }
    // Too long for the terminal: the line is cut, not its rate and time left, which matter most.
    const rate = count && job ? this.#rate(count, job, now) : '';
    const room = (this.options.columns ?? 80) - 1 - rate.length;
    const text = line.length > room ? `${line.slice(0, Math.max(0, room - 1))}…${rate}` : `${line}${rate}`;
    this.options.write(`\r\x1b[2K${text}`);
    this.#shown = true;
  }

  /** Ends a redrawn line, so that whatever is written next starts on a line of its own. */
  endLine(): void {
    if (this.#shown) this.options.write('\n');
    this.#shown = false;
  }

  #rate(count: ProgressCount, job: { start: number; startDone: number }, now: number): string {
    const seconds = (now - job.start) / 1000;
    const done = count.done - job.startDone;
    if (count.timed === false || seconds <= 0 || done <= 0) return '';
    const rate = done / seconds;
    const shown = rate >= 10 ? rate.toFixed(0) : rate >= 1 ? rate.toFixed(1) : rate.toPrecision(2);
    const left = count.done >= count.total ? `took ${formatDuration(seconds)}` : `${formatDuration((count.total - count.done) / rate)} left`;
    return `  ${shown} ${count.unit}/s, ${left}`;
  }
}
