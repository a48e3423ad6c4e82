// Lays PNG files (the command line's outputs) out as one labelled sheet, for the pictures in docs/: tiles
// of one size in rows of --columns, each with its label under it (labelledGrid), under an optional title
// (titledStack).
//
// usage: node .ci/build.mjs png-sheet && node .build/bench/png-sheet.mjs --out SHEET.png --columns K
//          [--scale S] [--title TEXT] FILE=LABEL [FILE=LABEL ...]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { labelledGrid, titledStack } from '../src/attribution/mod.ts';
import { decodePng, encodePng } from '../src/cli/mod.ts';

const { values, positionals } = parseArgs({
  options: { out: { type: 'string' }, columns: { type: 'string' }, scale: { type: 'string' }, title: { type: 'string' } },
  allowPositionals: true,
});
if (!values.out || !values.columns || positionals.length === 0) {
  console.error('usage: png-sheet --out SHEET.png --columns K [--scale S] [--title TEXT] FILE=LABEL [FILE=LABEL ...]');
  process.exit(2);
}
const tiles = positionals.map((entry) => {
  const at = entry.indexOf('=');
  const file = at < 0 ? entry : entry.slice(0, at);
  return { image: decodePng(readFileSync(file), file), label: at < 0 ? '' : entry.slice(at + 1) };
});
const grid = labelledGrid(
  tiles.map((t) => t.image),
  tiles.map((t) => t.label),
  { columns: Number(values.columns), ...(values.scale ? { scale: Number(values.scale) } : {}) },
);
const sheet = values.title ? titledStack([{ title: values.title, image: grid }]) : grid;
writeFileSync(values.out, encodePng(sheet));
console.log(`png-sheet: ${tiles.length} tiles → ${values.out} (${sheet.width}×${sheet.height})`);
