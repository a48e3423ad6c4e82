/**
 * Seeded random numbers, for replayable tests, initialisation and data synthesis.
 * @module
 */
export { Random, type RandomState } from './random.ts';
