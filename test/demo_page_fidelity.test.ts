// The demo page's fidelity view end to end, as test/demo_page.test.ts does for the maps: builds the page,
// serves it on 127.0.0.1, opens it in Debian's headless Chromium, turns the fidelity view on, and checks that
// the curves and AUCs the page computes on the browser's WebGPU are what `deepinside fidelity … --json`
// writes in Node for the same image, class and method, and that the chart is drawn as SVG.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fidelityCommand } from '../src/cli/mod.ts';
import type { KernelSet } from '../src/mod.ts';
import type { DemoResults } from '../demo/demo_results.ts';
import type { FidelityResult } from '../demo/fidelity_of_map.ts';
import { runCommand, temporaryFolder } from './support/cli_fixture.ts';
import { type DemoServer, DEMO_WEIGHTS, SCREENSHOTS, startDemo, waitFor } from './support/demo_server.ts';
import { gpu } from './support/gpu.ts';

const WEIGHTS = DEMO_WEIGHTS;
const AUC_TOLERANCE = 1e-5;
// The smaller shipped model where there is one: its 22 copies score in well under a second on SwiftShader.
const MODEL = readdirSync(WEIGHTS).includes('vgg-fashion.safetensors') ? 'vgg-fashion' : readdirSync(WEIGHTS).filter((f) => f.endsWith('.safetensors')).sort()[0].slice(0, -'.safetensors'.length);
const CURVE_TOLERANCE = 1e-4;

const folder = temporaryFolder();
let demo: DemoServer | undefined;

const readFidelity = (page: Page) => page.evaluate(() => (globalThis as unknown as { deepinsideDemo: DemoResults }).deepinsideDemo.fidelity) as Promise<FidelityResult | undefined>;

/** `deepinside fidelity` of the page's image, class and method (extra: the method's options), run with the page's kernel set. */
async function cliFidelity(page: Page, shown: FidelityResult, extra: string[]) {
  const json = join(folder, `${shown.model}-${shown.rule}.json`);
  const kernels = gpu.kernels;
  gpu.kernels = await page.evaluate(() => (globalThis as unknown as { deepinsideDemo: DemoResults }).deepinsideDemo.kernels as KernelSet);
  try {
    const args = ['--model', join(WEIGHTS, `${shown.model}.safetensors`), '--images', join(WEIGHTS, 'images', shown.image), '--labels', String(shown.classIndex), '--method', shown.rule, '--json', json, ...extra];
    const { code } = await runCommand(fidelityCommand, args);
    assert.is(code, 0);
  } finally {
    gpu.kernels = kernels;
  }
  return JSON.parse(readFileSync(json, 'utf8'));
}

function assertSameAsCli(shown: FidelityResult, cli: Record<string, { deletion: { auc: number; curves: number[][] }; insertion: { auc: number; curves: number[][] } }> & { run: { checkpoints: number[] } }): void {
  const what = `${shown.model} ${shown.image} ${shown.rule}, class ${shown.classIndex}`;
  assert.equal(shown.checkpoints, cli.run.checkpoints);
  for (const kind of ['deletion', 'insertion'] as const) {
    const expected = cli[shown.rule][kind];
    const curve = shown[kind];
    const worst = Math.max(...curve.map((v, i) => Math.abs(v - expected.curves[0][i])));
    const auc = shown[kind === 'deletion' ? 'deletionAuc' : 'insertionAuc'];
    console.log(`  ${what} ${kind}: AUC page ${auc.toFixed(6)}, CLI ${expected.auc.toFixed(6)}; curves max |Δ| ${worst.toExponential(2)}`);
    assert.is(curve.length, expected.curves[0].length);
    assert.ok(worst <= CURVE_TOLERANCE, `${what} ${kind}: the page's curve is ${worst} from the CLI's`);
    assert.ok(Math.abs(auc - expected.auc) <= AUC_TOLERANCE, `${what} ${kind}: AUC ${auc} on the page, ${expected.auc} from the CLI`);
  }
}

test.before(async () => {
  demo = await startDemo(folder);
});

test.after(async () => {
  await demo?.close();
});

test(`the fidelity view's curves and AUCs are deepinside fidelity --json's (gradient, then IG at the page's 4 steps as --ig-steps 4), drawn as SVG, and follow the method (${MODEL})`, async () => {
  const page = await demo!.browser.newPage({ viewport: { width: 1100, height: 1800 } });
  page.on('pageerror', (error) => console.log(`  page error: ${error.message}`));
  await page.goto(demo!.address);
  await waitFor(page, 'the first map', 'r.saliency !== undefined');
  await page.selectOption('#model', MODEL);
  await waitFor(page, `${MODEL}'s first map`, `r.saliency.model === ${JSON.stringify(MODEL)}`);
  // vega loads only when the view is opened.
  const scripts = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /render_fidelity_chart/.test(n)));
  assert.equal(await scripts(), [], 'the chart library was fetched before the view was opened');
  await page.check('#fidelity');
  await waitFor(page, 'the gradient curves', `r.fidelity !== undefined && r.fidelity.rule === 'gradient'`);
  assert.is((await scripts()).length, 1);
  const gradient = (await readFidelity(page))!;
  assert.is(gradient.checkpoints.length, 11, 'the default 10 steps');
  console.log(`  ${await page.textContent('#fidelity-status')}`);
  assertSameAsCli(gradient, await cliFidelity(page, gradient, []));
  // The chart: an SVG whose legend carries both AUCs as the spec prints them, and the AUCs as text.
  await page.waitForSelector('#fidelity-chart svg');
  const legend = `gradient: deletion ${gradient.deletionAuc.toFixed(4)}, insertion ${gradient.insertionAuc.toFixed(4)}`;
  assert.ok((await page.$$eval('#fidelity-chart svg text', (texts) => texts.map((t) => t.textContent))).includes(legend), `no legend entry "${legend}"`);
  const status = (await page.textContent('#fidelity-status')) ?? '';
  assert.match(status, `deletion AUC ${gradient.deletionAuc.toFixed(4)}`);
  assert.match(status, `insertion AUC ${gradient.insertionAuc.toFixed(4)}`);
  await page.screenshot({ path: join(SCREENSHOTS, 'fidelity.png'), fullPage: true });

  // A method change drops the curves on show and computes the new map's: IG with the page's steps slider at 4.
  await page.$eval('#method-steps', (e) => {
    (e as HTMLInputElement).value = '4';
    e.dispatchEvent(new Event('input'));
  });
  await page.check('input[name="rule"][value="ig"]');
  await waitFor(page, 'the ig curves', `r.fidelity !== undefined && r.fidelity.rule === 'ig'`);
  const ig = (await readFidelity(page))!;
  assert.is(ig.classIndex, gradient.classIndex);
  assertSameAsCli(ig, await cliFidelity(page, ig, ['--ig-steps', '4']));
  assert.is(await page.locator('#fidelity-chart svg').count(), 1, 'one chart, the previous one replaced');

  // Closing the view drops the curves and the chart.
  await page.uncheck('#fidelity');
  assert.is(await readFidelity(page), undefined);
  assert.is(await page.locator('#fidelity-chart svg').count(), 0);
  await page.close();
});

test('a new map asked for while the curves are computed cancels them: only the last map gets curves', async () => {
  const page = await demo!.browser.newPage({ viewport: { width: 1100, height: 1800 } });
  await page.goto(demo!.address);
  await waitFor(page, 'the first map', 'r.saliency !== undefined');
  await page.selectOption('#model', MODEL);
  await waitFor(page, `${MODEL}'s first map`, `r.saliency.model === ${JSON.stringify(MODEL)}`);
  await page.check('#fidelity');
  // Three methods in a row, without waiting: the curves of the first two are dropped or never drawn.
  await page.check('input[name="rule"][value="guided"]');
  await page.check('input[name="rule"][value="deconvnet"]');
  await page.check('input[name="rule"][value="gradxinput"]');
  await waitFor(page, 'the last curves', `r.fidelity !== undefined && r.fidelity.rule === 'gradxinput' && r.saliency.rule === 'gradxinput'`);
  // Nothing later replaces them, and one chart is on show.
  await page.waitForTimeout(1000);
  assert.is((await readFidelity(page))!.rule, 'gradxinput');
  assert.is(await page.locator('#fidelity-chart svg').count(), 1);
  assert.match((await page.textContent('#fidelity-status')) ?? '', /gradxinput map: deletion AUC/);
  await page.close();
});

test.run();
