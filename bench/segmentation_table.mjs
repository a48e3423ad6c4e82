// Prints the Markdown table of weakly supervised segmentation on the cluttered test split from a committed
// results file (written by `deepinside localise --segment --json`), so the README's numbers are generated:
//   node bench/segmentation_table.mjs bench/results/segmentation-*.json
import { readFileSync } from 'node:fs';

const path = process.argv[2];
if (!path) {
  console.error('usage: node bench/segmentation_table.mjs bench/results/segmentation-….json');
  process.exit(2);
}
const r = JSON.parse(readFileSync(path, 'utf8'));
const pct = (v) => `${(100 * v).toFixed(1)}%`;
const rows = [];
const row = (name, s, note = '') => rows.push(`| ${name} | ${pct(s.maskIou)} | ${pct(s.boxIou)} | ${pct(s.error)} |${note}`);
console.log(`Weakly supervised segmentation on the first ${r.count} scenes of the cluttered ${r.split} split (${r.model}, top-1 accuracy ${pct(r.accuracy)}).`);
console.log('Localisation error: the share of scenes whose box has IoU < 0.5 with the ground-truth box (the ILSVRC criterion).');
console.log('');
console.log('| map → object | mask IoU | box IoU | localisation error (true class) |');
console.log('|---|---:|---:|---:|');
for (const [method, { truth, top }] of Object.entries(r.methods)) {
  row(`${method} saliency + GrabCut (the paper's recipe)`, truth.grabCut, truth.grabCut.failures ? ` ${truth.grabCut.failures} maps could not seed` : '');
  row(`${method} saliency ≥ 95% quantile, no GrabCut`, truth.threshold);
}
row(`GrabCut from the centred mean-size box [${r.centredBox.join(', ')}]`, r.grabCutFromBox);
row('the centred mean-size box itself', r.centred);
console.log(rows.join('\n'));
console.log('');
console.log('| localisation error, maps of the top class | GrabCut | ≥ 95% quantile |');
console.log('|---|---:|---:|');
for (const [method, { top }] of Object.entries(r.methods)) console.log(`| ${method} | ${pct(top.grabCut.error)} | ${pct(top.threshold.error)} |`);
console.log('');
console.log(
  'The paper (Simonyan et al. 2014, section 6) reports 46.4% top-5 localisation error on ILSVRC-2013 with the same recipe. ' +
    'That is a different task: 1,000 classes of natural photographs at 224×224 and up, a box counted right if any of the ' +
    "five top classes' boxes overlaps the truth by IoU ≥ 0.5; here, 10 Fashion-MNIST classes pasted at 64×64 into synthetic " +
    'clutter, one box per scene, for the true class (or the top-1 class). The numbers are not comparable, only the method is.',
);
