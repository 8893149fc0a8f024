// Page benchmark (issue 26, not a test): cold loads of large exporter-shaped bundles, median of --runs, each
// through `?src=` (navigation to answers painted) and dropped on the page (the file input's change to answers
// painted); the longest task (PerformanceObserver 'longtask'); the time each step the progress line names took
// (its text changes, recorded in the page), from the median run. Then the CLI beside its floor on the first file:
// `lineage report FILE --format json` and `lineage-bench parse-only --mode floor FILE`, rounds interleaved, the
// file read before each command, median of the per-round ratios.
//   node web/e2e/bench-load.mjs [--runs 5] [FILE…]
// Default files: bench/out/page-124.json and bench/out/page-497.json (made with `lineage synth --models 71|284
// --weeks 52`, the described shape, when missing). Needs dist/ (bash scripts/web), a release `lineage` and
// `lineage-bench` (cargo build --release -p lineage-cli -p lineage-bench).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
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

async function load(file, how) {
  const p = await browser.context.newPage();
  await p.addInitScript(() => {
    window.__bench = { steps: [], longest: 0, long: 0, start: 0 };
    // A dropped file's load starts when the input says it changed; a navigation's at 0.
    document.addEventListener('change', () => { window.__bench.start ||= performance.now(); }, true);
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
  if (how === 'navigation') {
    await p.goto(`${base}/index.html?src=data/bench/${path.basename(file)}`);
  } else {
    await p.goto(`${base}/index.html`);
    await p.waitForSelector('[data-testid="file-input"]', { state: 'attached' });
    await p.setInputFiles('[data-testid="file-input"]', file);
  }
  await p.waitForFunction(() => window.__bench.painted, null, { timeout: 300000, polling: 50 });
  const r = await p.evaluate(() => window.__bench);
  await p.close();
  r.painted -= r.start;
  r.steps = r.steps.filter((s) => s.at >= r.start);
  return r;
}

/// `lineage report` and its floor on `file`, rounds interleaved: the medians and the median per-round ratio.
function cliRatio(file) {
  const bins = path.join(ROOT, 'target', 'release');
  const timed = (cmd, args) => {
    fs.readFileSync(file); // into the page cache, as every command finds it
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  const rounds = [];
  for (let i = 0; i < runs; i++) {
    const report = timed(lineage, ['report', file, '--format', 'json']);
    const floor = timed(path.join(bins, 'lineage-bench'), ['parse-only', '--mode', 'floor', file]);
    rounds.push({ report, floor, ratio: report / floor });
  }
  const med = (k) => rounds.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rounds.length / 2)];
  return { report: med('report'), floor: med('floor'), ratio: med('ratio'), rounds };
}

for (const file of files) {
  for (const how of ['navigation', 'drop']) {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await load(file, how));
    results.sort((a, b) => a.painted - b.painted);
    const median = results[Math.floor(results.length / 2)];
    const mb = (fs.statSync(file).size / 1e6).toFixed(0);
    const from = how === 'navigation' ? 'navigation' : 'the file dropped';
    console.log(`${path.basename(file)} (${mb} MB): ${from} to answers painted ${(median.painted / 1000).toFixed(2)} s `
      + `(median of ${runs}: ${results.map((r) => (r.painted / 1000).toFixed(2)).join(', ')}); `
      + `longest task ${Math.round(median.longest)} ms (the runs: ${results.map((r) => Math.round(r.longest)).join(', ')})`);
    const steps = median.steps;
    for (let i = 0; i < steps.length - 1; i++) {
      console.log(`  ${steps[i].name.padEnd(40)} ${((steps[i + 1].at - steps[i].at) / 1000).toFixed(2)} s`);
    }
  }
}
await browser.close();
server.close();
const cli = cliRatio(files[0]);
console.log(`CLI on ${path.basename(files[0])}: report ${cli.report.toFixed(2)} s, floor ${cli.floor.toFixed(2)} s, `
  + `report / floor ${cli.ratio.toFixed(2)}x (median of ${runs} rounds: ${cli.rounds.map((r) => r.ratio.toFixed(2)).join(', ')})`);
