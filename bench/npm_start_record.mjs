// Writes the JSON record of one bench/npm_start_run.sh run from what it left in $WORK (see that script).
import { readFileSync, writeFileSync } from "node:fs";
const { WORK, COMMIT, NOTE, LOAD_BEFORE, LOAD_AFTER, OUT } = process.env;
const time = readFileSync(`${WORK}/time.txt`, "utf8");
const field = (name) => { const m = time.match(new RegExp(`${name}: (.*)`)); if (!m) throw new Error(`no ${name} in the output of /usr/bin/time`); return m[1].trim(); };
const clock = field("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)").split(":").map(Number);
const wallSeconds = clock.reduce((t, part) => t * 60 + part, 0);
const stdout = readFileSync(`${WORK}/stdout.txt`, "utf8");
const stderr = readFileSync(`${WORK}/stderr.txt`, "utf8");
const npmCi = stdout.split("\n").find((line) => /^added \d+ packages/.test(line)) ?? null;
const run = {
  date: new Date().toISOString().slice(0, 10),
  machine: NOTE,
  command: `git clone <main> && /usr/bin/time -v npm start (commit ${COMMIT})`,
  loadBefore: LOAD_BEFORE.split(" ").map(Number),
  loadAfter: LOAD_AFTER.split(" ").map(Number),
  npmStart: { wallSeconds, userSeconds: Number(field("User time \\(seconds\\)")), systemSeconds: Number(field("System time \\(seconds\\)")) },
  npmCi,
  stderrLines: stderr.split("\n").filter(Boolean).length,
  showcase: JSON.parse(readFileSync(`${WORK}/clone/out/timings.json`, "utf8")),
};
writeFileSync(OUT, `${JSON.stringify(run, null, 1)}\n`);
console.log(`${OUT}: npm start ${wallSeconds} s, ${run.stderrLines} stderr lines`);
