// Page benchmark (not a test): bundle sizes, drop-to-answers time for the example and a 100k-vertex synthetic
// export, the time to highlight ancestors in a 2,000-box view, and the cold first view (answers painted after
// navigation) and first PDF (worker included). Needs dist/ (bash scripts/web) and a release
// `lineage` (cargo build --release -p lineage-cli) for the synthetic exports.
//   node web/e2e/bench.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { startServer, launch, filesIn, ROOT } from './harness.mjs';

const out = path.join(ROOT, 'bench', 'out');
fs.mkdirSync(out, { recursive: true });
const lineage = path.join(ROOT, 'target', 'release', 'lineage');
const synth = (name, args) => {
  const file = path.join(out, name);
  if (!fs.existsSync(file)) execFileSync(lineage, ['synth', ...args, '-o', file], { stdio: 'ignore' });
  return file;
};
const big = synth('web-100k.json', ['--models', '70', '--weeks', '52', '--raw-partitions', '16', '--lineage-only']);
const wide = synth('web-2000.json', ['--models', '1', '--weeks', '1', '--raw-partitions', '1990', '--lineage-only']);

const wasm = fs.readdirSync(path.join(ROOT, 'dist')).filter((f) => f.endsWith('.wasm'));
for (const w of wasm) {
  const bytes = fs.readFileSync(path.join(ROOT, 'dist', w));
  console.log(`bundle ${w}: ${(bytes.length / 1024).toFixed(0)} KiB raw, ${(zlib.gzipSync(bytes, { level: 9 }).length / 1024).toFixed(0)} KiB gzip`);
}

const { server, base } = await startServer();
const browser = await launch();
const id = (t) => `[data-testid="${t}"]`;

// Measured in the page: from the file input's change event to the frame that shows the provenance sentence
// (Playwright's own wait adds its polling delay on large inputs).
async function dropToAnswers(files, label, runs = 3) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const p = await browser.context.newPage();
    await p.goto(`${base}/index.html`);
    await p.waitForSelector(id('drop-zone'));
    await p.evaluate(() => {
      window.__drop = {};
      document.querySelector('[data-testid="file-input"]').addEventListener('change', () => { window.__drop.start = performance.now(); }, { capture: true });
      new MutationObserver(() => {
        if (!window.__drop.shown && document.querySelector('[data-testid="provenance-sentence"]')) {
          window.__drop.shown = true;
          requestAnimationFrame(() => requestAnimationFrame(() => { window.__drop.painted = performance.now(); }));
        }
      }).observe(document.body, { subtree: true, childList: true });
    });
    await p.setInputFiles(id('file-input'), files);
    await p.waitForFunction(() => window.__drop.painted, null, { timeout: 120000, polling: 10 });
    times.push(Math.round(await p.evaluate(() => window.__drop.painted - window.__drop.start)));
    await p.close();
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: drop to answers painted ${times[Math.floor(times.length / 2)]} ms (median of ${runs}: ${times.join(', ')})`);
}

const example = filesIn('examples/credit-xgb');
await dropToAnswers(example, `example (${example.length} top-level files)`, 5);
const vertices = JSON.parse(execFileSync(lineage, ['inspect', big, '--format', 'json'])).vertices;
await dropToAnswers([big], `synthetic ${vertices} vertices, ${(fs.statSync(big).size / 2 ** 20).toFixed(0)} MiB`, 3);

{
  const p = await browser.context.newPage();
  await p.goto(`${base}/index.html`);
  await p.waitForSelector(id('drop-zone'));
  await p.setInputFiles(id('file-input'), [wide]);
  await p.waitForSelector(id('provenance-sentence'));
  await p.selectOption('.controls select >> nth=0', 'all');
  await p.locator('.controls input[type=checkbox]').uncheck();
  await p.waitForFunction(() => document.querySelectorAll('[data-testid="graph-node"]').length >= 2000, null, { timeout: 120000 });
  const boxes = await p.locator(id('graph-node')).count();
  // Boxes are sub-pixel at this zoom, so the click goes to the element itself.
  await p.evaluate(() => document.querySelector('[data-testid="graph-node"].subject').dispatchEvent(new MouseEvent('click', { bubbles: true })));
  await p.waitForSelector(id('node-details'));
  const runs = [];
  for (let i = 0; i < 5; i++) {
    runs.push(await p.evaluate(async () => {
      const buttons = [...document.querySelectorAll('[data-testid="node-details"] button')];
      buttons.find((b) => b.textContent === 'Clear').click();
      await new Promise((r) => setTimeout(r, 100));
      // Applied: the drawing says how many boxes it marks (the smaller of lit and unlit), and they carry it.
      const g = document.querySelector('[data-testid="graph-layer"]');
      const t = performance.now();
      buttons.find((b) => b.textContent === 'Highlight ancestors').click();
      const done = () => g.getAttribute('class') && document.querySelectorAll('.node.lit, .node.dim').length === Number(g.dataset.marked);
      for (let spins = 0; !done(); spins++) {
        // Microtasks first (the reactive updates run there); if they are not enough, let tasks run too.
        await new Promise((r) => (spins < 1000 ? queueMicrotask(r) : setTimeout(r, 0)));
        if (spins > 5000) throw new Error(`not applied: class=${g.getAttribute('class')} marked=${g.dataset.marked}`);
      }
      const applied = performance.now() - t;
      // Painted: the frame after the change has been rendered.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      return [applied, performance.now() - t];
    }));
  }
  const lit = await p.evaluate(() => [...document.querySelectorAll('[data-testid="graph-node"]')].filter((n) => getComputedStyle(n.querySelector('rect')).stroke === 'rgb(192, 57, 43)').length);
  const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[2].toFixed(1);
  console.log(`highlight ancestors in a ${boxes}-box view (${lit} lit): applied to the DOM in ${med(0)} ms, next frame painted after ${med(1)} ms (medians of 5)`);
  await p.close();
}

// The first view, cold (a fresh browser each time): navigation to the first answers painted, with the example
// named in ?src=; then the first PDF, worker included, from the click to the download.
{
  const src = example.map((f) => `data/examples/credit-xgb/${path.basename(f)}`).join(',');
  const painted = [];
  const pdf = [];
  for (let i = 0; i < 5; i++) {
    const cold = await launch();
    const p = await cold.context.newPage();
    await p.addInitScript(() => {
      const o = new MutationObserver(() => {
        if (!document.querySelector('[data-testid="provenance-sentence"]')) return;
        o.disconnect();
        requestAnimationFrame(() => requestAnimationFrame(() => { window.__answers = performance.now(); }));
      });
      o.observe(document, { childList: true, subtree: true });
    });
    await p.goto(`${base}/index.html?src=${src}`);
    await p.waitForFunction(() => window.__answers, null, { timeout: 60000 });
    painted.push(await p.evaluate(() => window.__answers));
    const t0 = Date.now();
    await Promise.all([p.waitForEvent('download', { timeout: 60000 }), p.click(id('download-pdf'))]);
    pdf.push(Date.now() - t0);
    await cold.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`first answers painted ${median(painted).toFixed(0)} ms after navigation (median of 5 cold loads: ${painted.map((t) => t.toFixed(0)).join(', ')})`);
  console.log(`first PDF ready ${median(pdf)} ms after the click, worker included (median of 5: ${pdf.join(', ')})`);
}

await browser.close();
server.close();
