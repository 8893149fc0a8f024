// Page benchmark (issue 26, not a test): cold loads of large exporter-shaped bundles through `?src=`, navigation
// to answers painted, median of --runs; the longest task (PerformanceObserver 'longtask'); and the time each step
// the progress line names took (its text changes, recorded in the page), from the median run.
//   node web/e2e/bench-load.mjs [--runs 5] [FILE…]
// Default files: bench/out/page-124.json and bench/out/page-497.json (made with `lineage synth --models 71|284
// --weeks 52`, the described shape, when missing). Needs dist/ (bash scripts/web) and a release `lineage`.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, launch, ROOT } from './harness.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 5;
const out = path.join(ROOT, 'bench', 'out');
const lineage = path.join(ROOT, 'target', 'release', 'lineage');
const made = (name, models) => {
  const file = path.join(out, name);
  if (!fs.existsSync(file)) execFileSync(lineage, ['synth', '--models', String(models), '--weeks', '52', '-o', file], { stdio: 'ignore' });
  return file;
};
const files = args.length ? args.map((f) => path.resolve(f)) : [made('page-124.json', 71), made('page-497.json', 284)];

const { server, base } = await startServer({ bench: out });
const browser = await launch();

async function load(file) {
  const p = await browser.context.newPage();
  await p.addInitScript(() => {
    window.__bench = { steps: [], longest: 0, long: 0 };
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        window.__bench.longest = Math.max(window.__bench.longest, e.duration);
        window.__bench.long += e.duration;
      }
    }).observe({ type: 'longtask', buffered: true });
    const watch = () => {
      const el = document.querySelector('[data-testid="progress"] span');
      const text = el?.textContent ?? '';
      const s = window.__bench.steps;
      // A step by its name: the text up to the first ':' or '…' (so "Fetching x: 3.0 MB of …" is one step).
      const name = text.split(/[:…]/)[0];
      if (text && (!s.length || s[s.length - 1].name !== name)) s.push({ name, at: performance.now() });
      if (!window.__bench.shown && document.querySelector('[data-testid="provenance-sentence"]')) {
        window.__bench.shown = true;
        s.push({ name: 'answers shown', at: performance.now() });
        requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench.painted = performance.now(); }));
      }
    };
    new MutationObserver(watch).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await p.goto(`${base}/index.html?src=data/bench/${path.basename(file)}`);
  await p.waitForFunction(() => window.__bench.painted, null, { timeout: 300000, polling: 50 });
  const r = await p.evaluate(() => window.__bench);
  await p.close();
  return r;
}

for (const file of files) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await load(file));
  results.sort((a, b) => a.painted - b.painted);
  const median = results[Math.floor(results.length / 2)];
  const mb = (fs.statSync(file).size / 1e6).toFixed(0);
  console.log(`${path.basename(file)} (${mb} MB): navigation to answers painted ${(median.painted / 1000).toFixed(2)} s `
    + `(median of ${runs}: ${results.map((r) => (r.painted / 1000).toFixed(2)).join(', ')}); longest task ${Math.round(median.longest)} ms`);
  const steps = median.steps;
  for (let i = 0; i < steps.length - 1; i++) {
    console.log(`  ${steps[i].name.padEnd(40)} ${((steps[i + 1].at - steps[i].at) / 1000).toFixed(2)} s`);
  }
}
await browser.close();
server.close();
