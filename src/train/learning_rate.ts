/** How the learning rate moves over a run: held, or cosine-annealed from the base to 0 over all steps. */
export type LearningRateSchedule = 'constant' | 'cosine';

export const LEARNING_RATE_SCHEDULES: readonly LearningRateSchedule[] = ['constant', 'cosine'];

/**
 * The learning rate after `done` of `total` steps: `base` throughout for 'constant';
 * base · (1 + cos(π · done / total)) / 2 for 'cosine' (SGDR without restarts).
 */
export function learningRateAt(schedule: LearningRateSchedule, base: number, done: number, total: number): number {
  switch (schedule) {
    case 'constant':
      return base;
    case 'cosine':
      return (base * (1 + Math.cos((Math.PI * Math.min(done, total)) / Math.max(total, 1)))) / 2;
    default:
      throw new RangeError(`learning rate schedule "${String(schedule)}" is unknown; known: ${LEARNING_RATE_SCHEDULES.join(', ')}`);
  }
}
