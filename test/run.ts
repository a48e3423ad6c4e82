// Runs every test/*.test.ts in one process (one GPU device for all), in name order.
// `npm test -- conv2d relu` runs only the files whose names contain one of the words.

declare const TEST_FILES: readonly string[];
export {};

const words = process.argv.slice(2);
const chosen = TEST_FILES.filter((name) => words.length === 0 || words.some((word) => name.includes(word)));
if (chosen.length === 0) {
  console.error(`test: no test file matches ${words.join(' ')}`);
  process.exit(2);
}

const globals = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: unknown[][] };
globals.UVU_DEFER = 1;
const uvu = await import('uvu');
for (const [index, name] of chosen.entries()) {
  globals.UVU_INDEX = index;
  globals.UVU_QUEUE.push([name]);
  await import(`./${name}.test.ts`);
}
await uvu.exec(false);
// Dawn's instance keeps the event loop alive, so the process ends here, with uvu's verdict.
process.exit(process.exitCode ?? 0);
