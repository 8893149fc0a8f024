// End-to-end tests of the built page (dist/, from `bash scripts/web`) in Debian's headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, launch, filesIn, ROOT } from './harness.mjs';

const SENTENCE = 'Model package credit-xgb/73 (approved by risk-ops@company.com on 2027-03-08) was trained on dataset '
  + 's3://credit/train/2027-W10/ assembled from feature-store versions accounts 2027-W10 and behaviour 2027-W10 '
  + 'with exclusion list s3://policy/excl-v14.csv, by code commit a14f2b9.';
const EXAMPLE = filesIn('examples/credit-xgb');
// Every file the CLI reads in the example (`lineage report examples/credit-xgb …`): subfolders, .jsonl included.
const EXAMPLE_ALL = filesIn('examples/credit-xgb', { recursive: true });
const INFERENCE = 'Inference loan-8231 on 2027-03-12 was served by model package credit-xgb/73';
const CAPTURE_DIR = 'data-capture/credit-prod/credit-prod-v73/2027/03/12/14/';
const id = (t) => `[data-testid="${t}"]`;
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page that records any script the inputs might smuggle in. */
async function page() {
  const p = await browser.context.newPage();
  await p.addInitScript(() => {
    window.__pwned = [];
    for (const name of ['alert', 'confirm', 'prompt']) window[name] = (m) => window.__pwned.push(`${name}:${m}`);
  });
  await p.goto(`${base}/index.html`);
  await p.waitForSelector(id('drop-zone'));
  return p;
}

async function pickSubject(p, label) {
  const picker = p.locator(id('subject-picker'));
  await picker.waitFor();
  const value = await picker.locator('option', { hasText: label }).getAttribute('value');
  await picker.selectOption(value);
}

test('the example loads through the file input and answers all five questions', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), EXAMPLE);
  await pickSubject(p, 'credit-xgb/73');
  await p.waitForSelector(id('provenance-sentence'));
  assert.equal((await p.textContent(id('provenance-sentence'))).trim(), SENTENCE);
  const text = async (t) => (await p.innerText(id(t))).replace(/\s+/g, ' ');
  assert.match(await text('section-model-version'), /model-package\/credit-xgb\/73.*credit-xgb.*73.*Approved/);
  assert.match(await text('section-training-data'), /credit-xgb-2027W10-a3c7.*s3:\/\/credit\/train\/2027-W10\//);
  assert.match(await text('section-upstream-sources'), /accounts.*2027-W10.*behaviour.*2027-W10.*excl-v14/);
  assert.match(await text('section-hyperparameters-and-metrics'), /max_depth 6/);
  assert.match(await text('section-hyperparameters-and-metrics'), /validation:auc 0.912/);
  assert.match(await text('section-approval'), /risk-ops@company.com.*2027-03-08 09:42 UTC/);
  assert.match(await text('section-gaps'), /None/);
  // The same numbered titles, in the same order, as the text, Markdown and PDF (tests/it/pdf.rs checks those).
  await p.waitForSelector(id('section-evidence'));
  const titles = await p.locator(id('section-title')).allInnerTexts();
  assert.deepEqual(titles.map((t) => t.trim()), ['1. Model version', '2. Training data', '3. Upstream sources',
    '4. Hyperparameters and metrics', '5. Approval', 'Code', 'Changes since the previous version', 'Gaps', 'Ancestry tree', 'Lineage graph', 'Evidence']);
  fs.mkdirSync(path.join(ROOT, 'target', 'e2e'), { recursive: true });
  await p.setViewportSize({ width: 1400, height: 1800 });
  await p.screenshot({ path: path.join(ROOT, 'target', 'e2e', 'example.png'), fullPage: true });

  // Click the training job's box: its details show the job's hyperparameters; then highlight its ancestors.
  const node = p.locator(`${id('graph-node')}[data-arn$="credit-xgb-2027W10-a3c7-aws-training-job"]`);
  await node.click();
  const details = p.locator(id('node-details'));
  await details.waitFor();
  assert.match(await details.innerText(), /Hyperparameter max_depth\s*6/);
  await details.getByText('Highlight ancestors').click();
  await p.waitForSelector('[data-testid="graph-layer"].hl-lit, [data-testid="graph-layer"].hl-dim');
  const highlighted = await p.evaluate(() => [...document.querySelectorAll('[data-testid="graph-node"]')]
    .filter((n) => getComputedStyle(n.querySelector('rect')).stroke === 'rgb(192, 57, 43)').length);
  assert.ok(highlighted >= 5, `${highlighted} boxes highlighted`);

  // Keyboard: a focused box opens with Enter.
  await p.locator(`${id('graph-node')}[data-arn$="5f1c3a9e8b7d4c2a1f0e9d8c7b6a5f43"]`).focus();
  await p.keyboard.press('Enter');
  assert.match(await details.textContent(), /model-package\/credit-xgb\/73/);

  // Downloads. The PDF is made by its own WASM in a worker, started (and fetched) only now.
  const fetched = () => p.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name));
  assert.ok(!(await fetched()).some((n) => n.includes('lineage-pdf-worker')), 'the PDF worker was fetched before it was needed');
  assert.deepEqual(p.workers(), [], 'a worker runs before a PDF is asked for');
  const [pdf] = await Promise.all([p.waitForEvent('download'), p.click(id('download-pdf'))]);
  const bytes = fs.readFileSync(await pdf.path());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  assert.deepEqual(p.workers().map((w) => path.basename(w.url())), ['lineage-pdf-worker_loader.js']);
  // A second PDF reuses the worker.
  const [again] = await Promise.all([p.waitForEvent('download'), p.click(id('download-pdf'))]);
  assert.deepEqual(fs.readFileSync(await again.path()), bytes);
  const [md] = await Promise.all([p.waitForEvent('download'), p.click(id('download-markdown'))]);
  assert.match(fs.readFileSync(await md.path(), 'utf8'), /^# Lineage audit: Model package credit-xgb\/73/);
  const [json] = await Promise.all([p.waitForEvent('download'), p.click(id('download-json'))]);
  assert.equal(JSON.parse(fs.readFileSync(await json.path(), 'utf8')).sentence, SENTENCE);
  await p.close();
});

test('a load says what it is doing, step by step, with a bar, and clears it once answered', async () => {
  const p = await page();
  // A 40 MB bundle is read in three slices, so the line counts its megabytes up.
  const big = path.join(ROOT, 'target', 'e2e', 'progress-bundle.json');
  fs.mkdirSync(path.dirname(big), { recursive: true });
  fs.writeFileSync(big, JSON.stringify({ Vertices: [], Edges: [], Padding: 'x'.repeat(40e6) }));
  await p.evaluate(() => {
    window.__steps = [];
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="progress"]');
      if (!el) return;
      const bar = el.querySelector('progress');
      // An indeterminate bar (no value) has position -1: what is drawn, not only what the markup says.
      const step = `${el.querySelector('span').textContent} | ${bar.position < 0 ? 'moving' : bar.value + '/' + bar.max}`;
      if (window.__steps.at(-1) !== step) window.__steps.push(step);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await p.setInputFiles(id('file-input'), [...EXAMPLE, big]);
  await pickSubject(p, 'credit-xgb/73');
  await p.waitForFunction(() => !document.querySelector('[data-testid="progress"]'));
  const steps = await p.evaluate(() => window.__steps);
  const seen = (re) => steps.some((s) => re.test(s));
  assert.ok(seen(/^Reading progress-bundle\.json: 16\.8 MB of 40\.0 MB \| 16777216\/4000\d{4}$/), steps.join('\n'));
  assert.ok(seen(/^Reading progress-bundle\.json: 33\.6 MB of 40\.0 MB/), steps.join('\n'));
  // The browser hashes the files while they merge; the page waits for the digests before the joins.
  assert.ok(seen(/^Checking the files' SHA-256 for the evidence list… \| moving$/), steps.join('\n'));
  // A large file is named before it is parsed (a few megabytes a step: its bar counts them), and so are the
  // joins that follow.
  assert.ok(seen(/^Parsing progress-bundle\.json: 0\.0 MB of 40\.0 MB \| 0\/4000\d{4}$/), steps.join('\n'));
  assert.ok(seen(/^Joining the files and building the graph… \| moving$/), steps.join('\n'));
  assert.ok(seen(/^Answering the five questions… \| moving$/), steps.join('\n'));
  assert.equal((await p.textContent(id('provenance-sentence'))).trim(), SENTENCE);
  await p.close();
});

test('a synthetic drop event loads files, and a file can be removed again', async () => {
  const p = await page();
  const names = EXAMPLE.map((f) => path.basename(f));
  await p.evaluate(async ({ names }) => {
    const dt = new DataTransfer();
    for (const n of names) {
      const body = await (await fetch(`data/examples/credit-xgb/${n}`)).arrayBuffer();
      dt.items.add(new File([body], n, { type: 'application/json' }));
    }
    document.querySelector('[data-testid="drop-zone"]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { names });
  await pickSubject(p, 'credit-xgb/73');
  assert.equal((await p.textContent(id('provenance-sentence'))).trim(), SENTENCE);
  // The 50 loaded files are folded into one line until asked for.
  assert.match(await p.innerText(id('files-toggle')), /^\d+ files, \d+ vertices, \d+ edges — show$/);
  assert.equal(await p.locator('.files').isVisible(), false);
  await p.click(id('files-toggle'));
  await p.locator('.files li', { hasText: 'describe-artifact-credit-xgb-73-approval-record.json' }).getByText('remove').click();
  // Without the approval record the approver falls back to DescribeModelPackage's LastModifiedBy identity: the
  // sentence names the person (the role session), the approval answer gives the ARN once, as detail.
  await p.waitForFunction(() => document.querySelector('[data-testid="section-approval"]')?.textContent.includes('risk-ops@company.com (arn:aws:sts::111122223333:assumed-role/RiskOpsApprover/risk-ops@company.com)'));
  assert.equal((await p.textContent(id('provenance-sentence'))).trim(), SENTENCE);
  assert.equal(await p.locator('.files li', { hasText: 'approval-record' }).count(), 0);
  await p.close();
});

test('exports named in ?src= are fetched beside the page', async () => {
  const p = await browser.context.newPage();
  const src = EXAMPLE.map((f) => `data/examples/credit-xgb/${path.basename(f)}`).join(',');
  await p.goto(`${base}/index.html?src=${src}`);
  await pickSubject(p, 'credit-xgb/73');
  assert.equal((await p.textContent(id('provenance-sentence'))).trim(), SENTENCE);
  // Each file's SHA-256 is the file's (small files are hashed on the page's thread: no worker is started).
  const evidence = await p.innerText(id('section-evidence'));
  for (const f of EXAMPLE) assert.ok(evidence.includes(sha256(f)), `${path.basename(f)}: ${sha256(f)}`);
  assert.equal(await p.evaluate(() => window.__lineageTimings.hashed_by_workers), 0);
  await p.close();
});

test('a malformed file shows the CLI\'s error and changes nothing', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), EXAMPLE);
  await pickSubject(p, 'credit-xgb/73');
  const before = await p.textContent(id('provenance-sentence'));
  await p.setInputFiles(id('file-input'), path.join(ROOT, 'tests/fixtures/bad/vertex-without-arn.json'));
  const error = await p.locator(id('error')).textContent();
  assert.match(error, /vertex-without-arn\.json: at Vertices\[12\]\.Arn: required field is missing/);
  assert.equal(await p.textContent(id('provenance-sentence')), before);
  assert.equal(await p.locator('.files li', { hasText: 'vertex-without-arn.json' }).count(), 0);
  await p.close();
});

test('the injection corpus is shown as text and runs nothing', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), filesIn('tests/fixtures/injection'));
  await p.waitForSelector(id('provenance-sentence'));
  await p.locator(id('graph-node')).first().click();
  await p.waitForSelector(id('node-details'));
  await p.waitForTimeout(300);
  assert.deepEqual(await p.evaluate(() => window.__pwned), []);
  const injected = await p.evaluate(() => ({
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src && !s.textContent.includes('wasm')).length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
    images: document.querySelectorAll('img, iframe, svg foreignObject').length,
    links: [...document.querySelectorAll('a[href]')].filter((a) => a.href.startsWith('javascript:')).length,
  }));
  assert.deepEqual(injected, { scripts: 0, handlers: 0, images: 0, links: 0 });
  assert.match(await p.textContent('main'), /<script>alert\("x"\)<\/script>/);
  await p.close();
});

test('an inference ID in an exporter bundle answers for the model package that served it', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), [path.join(ROOT, 'tests', 'fixtures', 'exporter', 'credit-prod-bundle.json')]);
  const input = p.locator(id('inference-input'));
  await input.waitFor();
  await input.fill('loan-8231');
  await input.press('Tab');
  await p.waitForFunction(
    (sel) => document.querySelector(sel)?.textContent.includes('Inference loan-8231 on 2027-03-12'),
    id('provenance-sentence'),
  );
  const sentence = (await p.textContent(id('provenance-sentence'))).trim();
  assert.ok(sentence.startsWith('Inference loan-8231 on 2027-03-12 was served by model package credit-xgb/73'), sentence);
  const history = (await p.innerText(id('section-model-version'))).replace(/\s+/g, ' ');
  assert.match(history, /In effect: 2027-03-08T10:00:00Z .*credit-prod-config-v73 .*credit-xgb\/73/);
  assert.match((await p.innerText(id('section-approval'))).replace(/\s+/g, ' '), /Approved by .*RiskOpsApprover/);
  // An unknown ID is the CLI's error, not a guess, shown beside the box.
  await input.fill('loan-9999');
  await input.press('Tab');
  await p.waitForSelector(id('inference-error'));
  assert.match(await p.textContent(id('inference-error')), /no data-capture record has inferenceId or eventId "loan-9999"/);
  assert.deepEqual(await p.evaluate(() => window.__pwned), []);
  await p.close();
});

test('an export with no model package (the auto-created deployment shape) is answered from its endpoints', async () => {
  const p = await page();
  const dir = 'tests/fixtures/real-shapes/endpoint-deployment-list-associations';
  await p.setInputFiles(id('file-input'), filesIn(dir));
  await pickSubject(p, 'Endpoint the-first-endpoint');
  await p.waitForSelector(id('provenance-sentence'));
  const sentence = (await p.textContent(id('provenance-sentence'))).trim();
  assert.match(sentence, /^Endpoint the-first-endpoint was served by model artifact s3:\/\/the-first-model-data-url\/data\.tar\.gz \(no model package recorded\)/);
  assert.match(await p.innerText(id('section-gaps')), /No model package is linked to/);
  const picker = await p.locator(id('subject-picker')).innerText();
  assert.match(picker, /Endpoint the-second-endpoint/);
});

test('several model packages show the fleet check; a row opens that package\'s report', async () => {
  const p = await page();
  const fleetFiles = [...EXAMPLE, ...filesIn('examples/credit-xgb/fleet'),
    ...filesIn('examples/credit-xgb/fleet/pipeline-credit-limit-weekly-2027w11c2')];
  await p.setInputFiles(id('file-input'), fleetFiles);
  await p.waitForSelector(id('fleet-summary'));
  assert.match(await p.innerText(id('fleet-summary')), /15 model packages, 6 pass and 9 fail the built-in policy/);
  await p.click(id('fleet-summary'));
  await p.waitForSelector(`${id('fleet')} table`);
  const fleet = (await p.innerText(id('fleet'))).replace(/\s+/g, ' ');
  assert.match(fleet, /15 model packages: 6 pass, 9 fail the policy/);
  assert.match(fleet, /credit-limit\/7 .*missing code/);
  await p.locator(id('fleet-open')).filter({ hasText: /^credit-limit\/10$/ }).click();
  await p.waitForFunction(() => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes('credit-limit/10'));
  assert.match(await p.innerText(id('section-training-data')), /cache hit: its job ran in execution 2027w10b1/);
  assert.match(await p.innerText(id('section-code')), /pipeline parameter GitCommit/);
  // The execution is drawn beside the lineage as one box; its details list the steps.
  const execution = `${id('graph-node')}[data-arn$="execution/2027w11c2"]`;
  await p.locator(execution).click();
  await p.waitForSelector(id('node-details'));
  assert.match(await p.innerText(id('node-details')), /Step Train.*cache hit from .*execution\/2027w10b1/s);
});

test('OpenLineage events beside the SageMaker export answer question 3, their edges in another colour', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), filesIn('examples/credit-xgb-airflow'));
  await p.waitForSelector(id('provenance-sentence'));
  assert.match(await p.textContent(id('provenance-sentence')), /feature-store versions accounts 2027-W10 and behaviour 2027-W10/);
  const upstream = (await p.innerText(id('section-upstream-sources'))).replace(/\s+/g, ' ');
  assert.match(upstream, /Recorded by/);
  assert.match(upstream, /accounts 2027-W10 .*OpenLineage run e891385e-5a11-543f-a180-700aea8dea8e \(credit-airflow\/credit_features\.assemble_training_set\) in airflow-openlineage-events\.ndjson lines 2, 3/);
  assert.match(await p.innerText(id('section-gaps')), /None/);
  // The graph draws what OpenLineage recorded as its own stroke, and says which system on the edge.
  const cross = await p.$$eval('.edge path.cross', (paths) => paths.filter((e) => (e.getAttribute('d') || '').length > 0).length);
  assert.ok(cross >= 1, 'no cross-system edge is drawn');
  const colour = await p.$eval('.edge path.cross', (e) => getComputedStyle(e).stroke);
  const plain = await p.$eval('.edge path:not(.cross):not(.arrowhead)', (e) => getComputedStyle(e).stroke);
  assert.notEqual(colour, plain);
  assert.match(await p.innerText(id('cross-legend')), /recorded by OpenLineage, not SageMaker lineage/);
  assert.match(await p.innerText(id('section-evidence')), /Joins across systems/);
});

test('an export with nothing to report on says so', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), filesIn('tests/fixtures/real-shapes/catalog-documents-only'));
  await p.waitForSelector(id('error'));
  assert.match(await p.innerText(id('error')), /no model package, no endpoint and no model artifact to report on/);
});

test('the first view: the sentence, the gaps and the graph beside the answers, at 1400×900 and 800×1000', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), EXAMPLE);
  await pickSubject(p, 'credit-xgb/73');
  await p.waitForSelector(id('graph-node'));
  fs.mkdirSync(path.join(ROOT, 'target', 'e2e'), { recursive: true });
  for (const [width, height] of [[1400, 900], [800, 1000]]) {
    await p.setViewportSize({ width, height });
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.locator(`${id('graph-node')}[data-arn$="credit-xgb-2027W10-a3c7-aws-training-job"]`).click();
    await p.waitForSelector(id('node-details'));
    await p.evaluate(() => window.scrollTo(0, 0));
    const m = await p.evaluate(() => {
      const box = (sel) => document.querySelector(sel).getBoundingClientRect();
      return {
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        sentence: box('[data-testid="provenance-sentence"]'),
        summary: box('[data-testid="gap-summary"]'),
        graph: box('[data-testid="graph"]'),
        details: box('[data-testid="node-details"]'),
        // Sections and the details panel hold their content: nothing is cut off or scrolls sideways inside them.
        overflowing: [...document.querySelectorAll('.doc-section, [data-testid="node-details"]')]
          .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.dataset.testid || e.id),
      };
    });
    const at = `${width}×${height}`;
    assert.ok(m.scrollWidth <= m.clientWidth, `${at}: horizontal scrolling (${m.scrollWidth} > ${m.clientWidth})`);
    assert.deepEqual(m.overflowing, [], `${at}: content wider than its box`);
    assert.ok(m.sentence.bottom <= height, `${at}: the sentence ends at ${m.sentence.bottom}`);
    assert.ok(m.summary.bottom <= height, `${at}: the gap summary ends at ${m.summary.bottom}`);
    assert.ok(m.graph.top < height - 100, `${at}: the graph starts at ${m.graph.top}`);
    assert.ok(m.graph.height >= 500, `${at}: the graph is ${m.graph.height} px tall`);
    assert.ok(m.details.left >= m.graph.right - 1 && m.details.top < m.graph.bottom,
      `${at}: the details panel is not beside the graph (${JSON.stringify(m.details)} vs ${JSON.stringify(m.graph)})`);
    await p.screenshot({ path: path.join(ROOT, 'target', 'e2e', `first-view-${width}x${height}.png`) });
  }
  await p.close();
});

/** The example opened as `bash scripts/web serve` preloads it: every file the CLI reads, named by its path. */
async function examplePage(size = { width: 1400, height: 900 }) {
  const p = await browser.context.newPage();
  await p.setViewportSize(size);
  const src = EXAMPLE_ALL.map((f) => `data/${path.relative(ROOT, f)}`).join(',');
  await p.goto(`${base}/index.html?src=${src}`);
  await p.locator(id('inference-input')).waitFor();
  return p;
}

async function ask(p, inference) {
  const input = p.locator(id('inference-input'));
  await input.fill(inference);
  await input.press('Tab');
}

const sentence = async (p) => (await p.textContent(id('provenance-sentence'))).trim();

test('the example, with every file the CLI reads kept by its path, answers loan-8231 as the CLI does', async () => {
  const p = await examplePage();
  await ask(p, 'loan-8231');
  await p.waitForFunction((t) => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes(t), INFERENCE);
  assert.ok((await sentence(p)).startsWith(`${INFERENCE} (approved by risk-ops@company.com on 2027-03-08)`), await sentence(p));
  const version = (await p.innerText(id('section-model-version'))).replace(/\s+/g, ' ');
  assert.match(version, new RegExp(`credit-prod variant credit-prod-v73 \\(from S3 key layout of data/examples/credit-xgb/${CAPTURE_DIR}`));
  // The evidence names files by their paths, as the CLI does, not by base names.
  const evidence = await p.innerText(id('section-evidence'));
  assert.match(evidence, new RegExp(`examples/credit-xgb/${CAPTURE_DIR}03-11-902-`));
  assert.match(evidence, /examples\/credit-xgb\/fleet\/pipeline-credit-limit-weekly-2027w11c2\/describe-pipeline-execution\.json/);
  assert.doesNotMatch(await p.innerText('main'), /pass --|--endpoint|--start/);
  await p.close();
});

test('a picked folder keeps its layout; loose capture files ask for the endpoint and variant beside the box', async () => {
  // A folder chosen with "choose folder" names its files by their paths inside it (webkitRelativePath).
  const p = await page();
  await p.setInputFiles(id('choose-folder'), path.join(ROOT, 'examples', 'credit-xgb'));
  await ask(p, 'loan-8231');
  await p.waitForFunction((t) => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes(t), INFERENCE);
  assert.match(await p.innerText(id('section-evidence')), new RegExp(`credit-xgb/${CAPTURE_DIR}`));
  await p.close();

  // The same files picked one by one lose the S3 key layout: the page asks for what the layout would say.
  const q = await page();
  await q.setInputFiles(id('file-input'), EXAMPLE_ALL);
  await ask(q, 'loan-8231');
  const error = q.locator(id('inference-error'));
  await error.waitFor();
  assert.match(await error.innerText(), /does not say which endpoint served it.*Endpoint and Variant fields beside the inference ID/s);
  assert.doesNotMatch(await q.innerText('main'), /pass --|--endpoint|--variant/);
  await q.fill(id('inference-endpoint'), 'credit-prod');
  await q.press(id('inference-endpoint'), 'Tab');
  await q.fill(id('inference-variant'), 'credit-prod-v73');
  await q.press(id('inference-variant'), 'Tab');
  await q.waitForFunction((t) => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes(t), INFERENCE);
  assert.equal(await q.locator(id('inference-error')).count(), 0);
  await q.close();
});

test('the shortest path is the CLI\'s directed path, through the model artifact', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), EXAMPLE);
  await pickSubject(p, 'credit-xgb/73');
  const node = (suffix) => p.locator(`${id('graph-node')}[data-arn$="${suffix}"]`);
  await node('artifact/9a8b7c6d5e4f30211f2e3d4c5b6a7980').focus(); // train-2027-W10
  await p.keyboard.press('Enter');
  await p.locator(id('node-details')).getByText('Path from here…').click();
  await node('artifact/5f1c3a9e8b7d4c2a1f0e9d8c7b6a5f43').click(); // credit-xgb-73-ModelPackage
  await p.locator(id('node-details')).getByText('…to here').click();
  // `lineage query examples/credit-xgb --from train-2027-W10 --to credit-xgb-73-ModelPackage`:
  // directed path, 3 edges, through the training job and the model artifact (not the training image).
  await p.waitForFunction(() => document.querySelector('.highlight-label')?.textContent.length > 0);
  const lit = await p.$$eval('[data-testid="graph-node"].lit', (ns) => ns.map((n) => n.dataset.arn.split(':').pop()).sort());
  assert.deepEqual(lit, ['artifact/5f1c3a9e8b7d4c2a1f0e9d8c7b6a5f43', 'artifact/9a8b7c6d5e4f30211f2e3d4c5b6a7980',
    'artifact/c3d9e1f2a4b5c6d7e8f90a1b2c3d4e5f', 'experiment-trial-component/credit-xgb-2027W10-a3c7-aws-training-job']);
  assert.equal(await p.innerText(id('highlight-label')), 'Directed path (4 vertices)');
  await p.close();
});

test('an unknown inference ID keeps the report, the picker and the graph; a bundle opens on a picked package', async () => {
  const p = await examplePage();
  await ask(p, 'loan-8231');
  await p.waitForFunction((t) => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes(t), INFERENCE);
  const before = await sentence(p);
  await ask(p, 'loan-9999');
  await p.locator(id('inference-error')).waitFor();
  assert.match(await p.innerText(id('inference-error')), /no data-capture record has inferenceId or eventId "loan-9999"/);
  assert.equal(await sentence(p), before);
  assert.equal(await p.locator(id('subject-picker')).isVisible(), true);
  assert.ok((await p.locator(id('section-title')).allInnerTexts()).includes('Lineage graph'));
  assert.ok(await p.locator(id('graph-node')).count() > 5);
  // The error sits beside the box: between it and the report.
  const [box, err, answer] = await Promise.all([id('inference-input'), id('inference-error'), id('provenance-sentence')]
    .map((s) => p.locator(s).boundingBox()));
  assert.ok(err.y >= box.y && err.y < answer.y, JSON.stringify({ box, err, answer }));
  assert.equal(await p.locator(id('error')).count(), 0);
  await p.close();

  // An exporter bundle whose endpoint served two packages opens on a report (the package of the endpoint's latest
  // recorded deployment, as the CLI's `report --start credit-prod` on it), saying which it chose, with the picker.
  const q = await browser.context.newPage();
  await q.goto(`${base}/index.html?src=data/fixtures/exporter/credit-prod-bundle.json`);
  await q.waitForSelector(id('provenance-sentence'));
  assert.equal(await q.locator(id('subject-picker')).isVisible(), true);
  assert.match(await sentence(q), /^Endpoint credit-prod was served by model package credit-xgb\/73 /);
  assert.match((await q.innerText(id('section-model-version'))).replace(/\s+/g, ' '),
    /has served model packages credit-xgb\/71 and credit-xgb\/73; this report is on credit-xgb\/73, the package of its latest recorded deployment/);
  assert.equal(await q.locator(id('error')).count(), 0);
  assert.doesNotMatch(await q.innerText('body'), /pass --start|--start/);
  await q.close();
});

test('the graph: titles inside their boxes, controls off the drawing, search results named and typed', async () => {
  const p = await page();
  await p.setViewportSize({ width: 1400, height: 900 });
  await p.setInputFiles(id('file-input'), EXAMPLE);
  await pickSubject(p, 'credit-xgb/73');
  await p.waitForSelector(id('graph-node'));
  const geometry = await p.evaluate(() => {
    const nodes = [...document.querySelectorAll('[data-testid="graph-node"]')];
    const overflow = nodes.flatMap((n) => {
      const rect = n.querySelector('rect').getBBox();
      return [...n.querySelectorAll('text')].map((t) => [t.textContent, t.getBBox(), rect])
        .filter(([, b, r]) => b.x < r.x || b.x + b.width > r.x + r.width).map(([text, b]) => `${text} (${b.width.toFixed(1)} px)`);
    });
    const controls = document.querySelector('.graph-wrap .zoom').getBoundingClientRect();
    const covered = nodes.map((n) => n.querySelector('rect').getBoundingClientRect())
      .filter((r) => r.left < controls.right && controls.left < r.right && r.top < controls.bottom && controls.top < r.bottom);
    const titles = nodes.map((n) => n.querySelector('title').textContent);
    // Edge labels: none lies on another (the PDF's placement, lineage-core's graph_layout::labels).
    const labels = [...document.querySelectorAll('text.edge-label')].map((t) => [t.textContent, t.getBBox()]);
    const overlaps = labels.flatMap(([a, p], i) => labels.slice(i + 1)
      .filter(([, q]) => p.x + 0.5 < q.x + q.width && q.x + 0.5 < p.x + p.width && p.y + 0.5 < q.y + q.height && q.y + 0.5 < p.y + p.height)
      .map(([b]) => `${a} / ${b}`));
    return { overflow, covered: covered.length, titles, labels: labels.length, overlaps };
  });
  assert.ok(geometry.labels >= 10, `${geometry.labels} edge labels drawn`);
  assert.deepEqual(geometry.overlaps, [], 'edge labels overlap');
  assert.deepEqual(geometry.overflow, [], 'box titles run past their boxes');
  assert.equal(geometry.covered, 0, 'the zoom controls cover boxes');
  assert.ok(geometry.titles.includes('credit-assemble-2027W10-9b1e-aws-processing-job'), geometry.titles.join(', '));
  // Search: every result has its name and type; a match outside the drawing says so.
  await p.fill(id('search'), 'excl');
  await p.locator(id('search-result')).first().waitFor();
  const results = await p.locator(id('search-result')).allInnerTexts();
  // Two exclusion lists are named excl-v14 (the W09 and W10 exports): the one this package used is drawn, the
  // other is not, and says so; the ARN's end tells them apart.
  assert.ok(results.some((r) => /^excl-v14 \(DataSet\) · artifact\/e1f2a3b4c5d…$/.test(r.trim())), results.join('\n'));
  assert.ok(results.some((r) => /^excl-v14 \(DataSet\) · artifact\/d0e1f2a3b4c… — not in this drawing/.test(r.trim())), results.join('\n'));
  assert.ok(results.every((r) => !/^arn:/.test(r.trim())), results.join('\n'));
  await p.close();
});

const BUNDLE = path.join(ROOT, 'tests', 'fixtures', 'exporter', 'credit-prod-bundle.json');

test('on a phone: labels above values, details below the graph, nothing wider than the screen', async () => {
  const p = await page();
  await p.setViewportSize({ width: 390, height: 844 });
  await p.setInputFiles(id('file-input'), [BUNDLE]);
  await ask(p, 'loan-8231');
  await p.waitForFunction((t) => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes(t), INFERENCE);
  const fields = await p.$eval(`${id('section-approval')} dl`, (dl) => {
    const dt = dl.querySelector('dt').getBoundingClientRect();
    const dd = dl.querySelector('dd').getBoundingClientRect();
    return { dt: dt.bottom, dd: dd.top, width: dd.width };
  });
  assert.ok(fields.dt <= fields.dd + 0.5, `the label is not above its value: ${JSON.stringify(fields)}`);
  assert.ok(fields.width >= 300, `the value is ${fields.width} px wide`);
  await p.locator(`${id('graph-node')}[data-arn$="credit-xgb-2027W10-a3c7-aws-training-job"]`).click();
  await p.waitForSelector(id('node-details'));
  const m = await p.evaluate(() => {
    const graph = document.querySelector('[data-testid="graph"]').getBoundingClientRect();
    const details = document.querySelector('[data-testid="node-details"]').getBoundingClientRect();
    const th = document.querySelector('[data-testid="node-details"] th').getBoundingClientRect();
    const td = document.querySelector('[data-testid="node-details"] td').getBoundingClientRect();
    return { graph: graph.width, below: details.top >= graph.bottom - 1, th: th.bottom, td: td.top,
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth };
  });
  assert.ok(m.graph >= 300, `the graph is ${m.graph} px wide beside the details`);
  assert.ok(m.below, 'the details are not below the graph');
  assert.ok(m.th <= m.td + 0.5, 'a detail\'s label is not above its value');
  assert.ok(m.scroll <= m.client, `horizontal overflow: ${m.scroll} > ${m.client}`);
  fs.mkdirSync(path.join(ROOT, 'target', 'e2e'), { recursive: true });
  await p.screenshot({ path: path.join(ROOT, 'target', 'e2e', 'phone-390x844.png') });
  await p.close();
});

test('the PDF of an inference: named after it, dated today, with the question period', async () => {
  const p = await page();
  await p.setViewportSize({ width: 1400, height: 900 });
  await p.setInputFiles(id('file-input'), [BUNDLE]);
  await ask(p, 'loan-8231');
  await p.waitForFunction((t) => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes(t), INFERENCE);
  const [pdf] = await Promise.all([p.waitForEvent('download'), p.click(id('download-pdf'))]);
  assert.equal(pdf.suggestedFilename(), 'loan-8231-credit-xgb-73.pdf');
  const bytes = fs.readFileSync(await pdf.path()).toString('latin1');
  const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  assert.match(bytes, new RegExp(`/CreationDate\\s*\\(D:${today}000000`), 'the PDF\'s CreationDate is not today');
  assert.doesNotMatch(bytes, /D:19700101/);
  // The question period, as the CLI's --period prints it in the title block.
  await p.fill(id('period-from'), '2027-03-01');
  await p.fill(id('period-to'), '2027-03-12');
  const [dated] = await Promise.all([p.waitForEvent('download'), p.click(id('download-pdf'))]);
  const text = execFileSync('pdftotext', ['-l', '1', await dated.path(), '-']).toString();
  assert.match(text, /2027-03-01 to 2027-03-12/);
  await p.close();
});

test('the fleet matrix at 1400 px: the pass/fail column is in view without scrolling', async () => {
  const f = await page();
  await f.setViewportSize({ width: 1400, height: 900 });
  await f.setInputFiles(id('file-input'), EXAMPLE_ALL);
  await f.click(id('fleet-summary'));
  const table = f.locator(`${id('fleet')} table`);
  await table.waitFor();
  const m = await table.evaluate((t) => {
    const head = [...t.querySelectorAll('th')].at(-1);
    const scroller = t.closest('.table-scroll').getBoundingClientRect();
    const r = head.getBoundingClientRect();
    return { text: head.textContent, left: r.left, right: r.right, visible: [scroller.left, scroller.right] };
  });
  assert.equal(m.text, 'Result');
  assert.ok(m.left >= m.visible[0] && m.right <= m.visible[1] + 0.5 && m.right <= 1400, JSON.stringify(m));
  await f.close();
});

test('the page draws the graph the report counts', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), EXAMPLE);
  await pickSubject(p, 'credit-xgb/73');
  await p.waitForSelector(id('graph-node'));
  const [md] = await Promise.all([p.waitForEvent('download'), p.click(id('download-markdown'))]);
  const claim = fs.readFileSync(await md.path(), 'utf8').match(/(\d+) vertices, (\d+) edges \(drawn in the PDF and on the page\)/);
  assert.ok(claim, 'the Markdown has no figure caption');
  const boxes = await p.locator(id('graph-node')).count();
  assert.equal(boxes, Number(claim[1]), `the page draws ${boxes} boxes; the report says ${claim[0]}`);
  assert.match(await p.innerText(id('figure-caption')), new RegExp(`^${claim[1]} vertices, ${claim[2]} edges`));
  await p.close();
});

test('a dropped folder is walked (webkitGetAsEntry, readEntries) and its files keep their paths', async () => {
  const p = await page();
  const files = EXAMPLE_ALL.map((f) => path.relative(path.join(ROOT, 'examples'), f));
  await p.evaluate(async ({ files }) => {
    // A folder entry as the browser gives one for a dropped folder (headless Chromium cannot drag one from disk).
    const tree = { dirs: {}, files: {} };
    for (const rel of files) {
      const body = await (await fetch(`data/examples/${rel}`)).arrayBuffer();
      const parts = rel.split('/');
      let node = tree;
      for (const d of parts.slice(0, -1)) node = node.dirs[d] ??= { dirs: {}, files: {} };
      node.files[parts.at(-1)] = new File([body], parts.at(-1));
    }
    const entry = (proto, props) => Object.defineProperties(Object.create(proto), Object.fromEntries(
      Object.entries(props).map(([k, value]) => [k, { value }])));
    const fileEntry = (full, file) => entry(Object.prototype, {
      isFile: true, isDirectory: false, name: file.name, fullPath: full, file: (ok) => setTimeout(() => ok(file)) });
    const dirEntry = (full, node) => {
      const children = [...Object.entries(node.dirs).map(([n, d]) => dirEntry(`${full}/${n}`, d)),
        ...Object.entries(node.files).map(([n, f]) => fileEntry(`${full}/${n}`, f))];
      // readEntries hands out its entries in batches, then an empty one.
      const reader = () => {
        const batches = [children.slice(0, 3), children.slice(3), []];
        return { readEntries: (ok) => setTimeout(() => ok(batches.shift() ?? [])) };
      };
      return entry(Object.prototype, {
        isFile: false, isDirectory: true, name: full.split('/').pop(), fullPath: full, createReader: reader });
    };
    const folder = dirEntry('/credit-xgb', tree.dirs['credit-xgb']);
    DataTransferItem.prototype.webkitGetAsEntry = function () { return folder; };
    DataTransferItem.prototype.getAsFile = function () { return null; };
    const dt = new DataTransfer();
    dt.items.add(new File(['x'], 'credit-xgb'));
    document.querySelector('[data-testid="drop-zone"]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { files });
  await ask(p, 'loan-8231');
  await p.waitForFunction((t) => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes(t), INFERENCE);
  assert.match(await p.innerText(id('files-toggle')), new RegExp(`^${files.length} files, `));
  assert.match(await p.innerText(id('section-evidence')), new RegExp(`credit-xgb/${CAPTURE_DIR}`));
  await p.close();
});

test('an MLflow dump answers for a registered version: aliases, metrics with their step, approval from its tags', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), filesIn('examples/credit-xgb-mlflow'));
  await pickSubject(p, 'credit-xgb/3');
  await p.waitForFunction(() => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes('credit-xgb version 3'));
  const sentence = await p.textContent(id('provenance-sentence'));
  assert.match(sentence, /^MLflow model credit-xgb version 3 \(approved by marta\.risk@bank\.example on 2027-03-08\) was trained on dataset s3:\/\/credit-ml\/train\/2027-W10\/train\.parquet/);
  const version = (await p.innerText(id('section-model-version'))).replace(/\s+/g, ' ');
  assert.match(version, /Aliases champion/);
  assert.match(version, /Registered by MLflow register credit-xgb\/3/);
  const numbers = (await p.innerText(id('section-hyperparameters-and-metrics'))).replace(/\s+/g, ' ');
  assert.match(numbers, /validation:auc 0\.8731 step 9, the latest value MLflow keeps/);
  assert.match(await p.innerText(id('section-approval')), /ticket CRQ-1182 \(tag approval_ticket\)/);
});

test('a DVC repository folder answers as the CLI does, and says why the commit is not recorded', async () => {
  const p = await page();
  await p.setInputFiles(id('choose-folder'), path.join(ROOT, 'examples', 'credit-xgb-dvc'));
  await p.waitForFunction(() => document.querySelector('[data-testid="provenance-sentence"]')?.textContent.includes('models/model.pkl'));
  const version = (await p.innerText(id('section-model-version'))).replace(/\s+/g, ' ');
  assert.match(version, /Recorded by DVC Version not recorded MD5 88ce00853f92097176571f958b79e6b3/);
  assert.match(version, /DVC keeps no model registry/);
  const numbers = (await p.innerText(id('section-hyperparameters-and-metrics'))).replace(/\s+/g, ' ');
  assert.match(numbers, /train\.max_depth 6/);
  assert.match(numbers, /metrics\.json:auc 0\.8731/);
  assert.match(await p.innerText(id('section-gaps')), /without their git history/);
  assert.doesNotMatch(await p.innerText(id('section-approval')), /Dana/);
});

test('an audit table dropped with its map is reconciled: filled facts marked manual, conflicts at the top', async () => {
  const p = await page();
  await p.setInputFiles(id('file-input'), [...EXAMPLE, path.join(ROOT, 'tests/fixtures/audit/scan/scan.json'),
    path.join(ROOT, 'tests/fixtures/audit/map.json')]);
  await pickSubject(p, 'credit-xgb/71');
  await p.waitForSelector(id('section-audit-table'));
  const audit = (await p.innerText(id('section-audit-table'))).replace(/\s+/g, ' ');
  assert.match(audit, /Checked against audit table model-approvals row credit-xgb\/71/);
  assert.match(audit, /code_commit filled from the table \(manual\) 3e7a9c2/);
  assert.match(await p.innerText(id('section-gaps')), /Closed by a manual record/);
  assert.match(await p.innerText(id('section-code')), /a manual record/);
  await pickSubject(p, 'credit-xgb/73');
  await p.waitForFunction(() => document.querySelector('[data-testid="section-audit-table"]')?.textContent.includes('credit-xgb/73'));
  assert.doesNotMatch(await p.innerText(id('section-audit-table')), /CONFLICT/);
});

/** `lineage ARGS…` (the CLI the Rust tests built), its standard output. */
function cli(args) {
  return execFileSync('cargo', ['run', '--locked', '-q', '-p', 'lineage-cli', '--', ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
}

test('a sealed, signed PDF dropped on the page opens: the CLI\'s sentence, the Sealed panel, and its own PDF sealed', async () => {
  const dir = fs.mkdtempSync(path.join(ROOT, 'target', 'e2e-sealed-'));
  const pdf = path.join(dir, 'credit-xgb-73-sealed.pdf');
  const pki = (n) => path.join(ROOT, 'tests', 'fixtures', 'seal', 'pki', n);
  cli(['report', 'examples/credit-xgb', '--start', 'credit-xgb/73', '--date', '2026-11-28', '-o', pdf,
    '--sign', pki('signer-ec.key'), '--cert', pki('signer-ec.crt'), '--chain', pki('root-ca.crt')]);
  const expected = JSON.parse(cli(['report', 'examples/credit-xgb', '--start', 'credit-xgb/73', '--format', 'json']).toString()).sentence;
  const p = await page();
  await p.setInputFiles(id('file-input'), [pdf]);
  await p.waitForSelector(id('sealed-panel'));
  await p.waitForSelector(id('provenance-sentence'));
  assert.equal((await p.textContent(id('provenance-sentence'))).trim(), expected);
  const checks = await p.locator(id('sealed-check')).evaluateAll((els) => els.map((e) => `${e.dataset.status} ${e.textContent}`));
  for (const name of ['attachment checksums', 'inputs match the manifest', 'report regenerated', 'sentence on page 1',
    'signature integrity', 'signer certificate']) {
    assert.ok(checks.some((c) => c.startsWith('ok ') && c.includes(name)), `${name}: ${checks.join('\n')}`);
  }
  assert.match(await p.textContent(id('sealed-signature')), /^Signed by CN=signer-ec,O=Lineage Audit tests at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  // The page's own PDF is sealed as the CLI seals it, and lineage verify holds on it.
  const [download] = await Promise.all([p.waitForEvent('download'), p.click(id('download-pdf'))]);
  const own = path.join(dir, 'from-the-page.pdf');
  fs.copyFileSync(await download.path(), own);
  const list = execFileSync('pdfdetach', ['-list', own]).toString();
  assert.match(list, /report\.json/);
  assert.match(list, /manifest\.json/);
  assert.match(list, /input-001-/);
  const verified = cli(['verify', own]).toString();
  assert.match(verified, /ok {3}report regenerated/, verified);
  // A sealed PDF without its inputs: its checks, and why there is no report of it.
  const bare = path.join(dir, 'bare.pdf');
  cli(['report', 'examples/credit-xgb', '--start', 'credit-xgb/73', '--date', '2026-11-28', '-o', bare, '--attach-inputs', 'none']);
  await p.setInputFiles(id('file-input'), [bare]);
  await p.waitForFunction(() => document.querySelector('[data-testid="error"]')?.textContent.includes('carries none of its inputs'));
  const bareChecks = await p.locator(id('sealed-check')).evaluateAll((els) => els.map((e) => e.dataset.status));
  assert.deepEqual(bareChecks, ['ok', 'not_checked', 'not_checked', 'ok']);
  // A PDF that is not sealed says so, and the report stays.
  const plain = path.join(dir, 'plain.pdf');
  fs.writeFileSync(plain, '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
  await p.setInputFiles(id('file-input'), [plain]);
  await p.waitForFunction(() => document.querySelector('[data-testid="error"]')?.textContent.includes('not a sealed Lineage Audit report'));
  assert.match(await p.textContent(id('error')), /plain\.pdf: not a sealed Lineage Audit report: unreadable PDF/);
  assert.equal((await p.textContent(id('provenance-sentence'))).trim(), expected);
  await p.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The boxes a highlight lights: the `lit` ones, or, when the graph marks the smaller side, all but the `dim` ones. */
async function highlighted(p) {
  return p.$$eval('[data-testid="graph-node"]', (ns) => {
    const lit = ns.filter((n) => n.classList.contains('lit'));
    const dim = ns.filter((n) => n.classList.contains('dim'));
    const on = lit.length > 0 || dim.length === 0 ? lit : ns.filter((n) => !n.classList.contains('dim'));
    return on.map((n) => n.dataset.arn);
  });
}

test('versions compared and a source\'s impact, as `lineage diff` and `lineage impact` say', async () => {
  // Every file by its path, as the CLI reads the folder: the capture files' S3 key layout names their endpoint.
  const p = await examplePage();
  await pickSubject(p, 'credit-xgb/73');
  await p.waitForSelector(id('section-changes'));
  // The report's own section: credit-xgb/73 against the version it replaced.
  const changes = (await p.innerText(id('section-changes'))).replace(/\s+/g, ' ');
  assert.match(changes, /credit-xgb\/73 compared with credit-xgb\/72/);
  assert.match(changes, /Feature-store version accounts 2027-W09 2027-W10 changed/);
  // The Compare control: 71 against 73, every change the CLI lists.
  await p.locator(`${id('compare')} summary`).click();
  await p.selectOption(id('compare-from'), 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-xgb/71');
  await p.waitForFunction(() => document.querySelector('[data-testid="compare-result"] table'));
  const shown = (await p.innerText(id('compare-result'))).replace(/\s+/g, ' ');
  const diff = JSON.parse(cli(['diff', 'examples/credit-xgb', '--from', 'credit-xgb/71', '--to', 'credit-xgb/73', '--format', 'json']));
  assert.ok(diff.changes.length >= 8, `${diff.changes.length} changes`);
  for (const c of diff.changes) {
    assert.ok(shown.includes(c.field), `the page lists ${c.field}`);
    if (c.to) assert.ok(shown.includes(c.to), `the page shows ${c.field} → ${c.to}`);
  }
  assert.match(shown, new RegExp(`${diff.changes.length} facts differ, ${diff.unchanged} are the same`));
  await p.click(id('compare-highlight'));
  assert.match(await p.innerText(id('highlight-label')), /^Vertices in one of credit-xgb\/71 and credit-xgb\/73 and not the other \(\d+ vertices/);
  assert.ok((await highlighted(p)).length > 0, 'what 73 has and 71 lacks is lit');
  // "What did this affect?" on the accounts feature-store version of week 10: credit-xgb/73 and its three inferences.
  const node = p.locator(`${id('graph-node')}[data-arn$="artifact/a1b2c3d4e5f60718293a4b5c6d7e8f90"]`);
  await node.focus();
  await p.keyboard.press('Enter');
  await p.click(id('impact-button'));
  const impact = (await p.innerText(id('impact-result'))).replace(/\s+/g, ' ');
  const expected = JSON.parse(cli(['impact', 'examples/credit-xgb', '--source', 'arn:aws:sagemaker:eu-west-1:111122223333:artifact/a1b2c3d4e5f60718293a4b5c6d7e8f90', '--format', 'json']));
  assert.deepEqual(expected.models.map((m) => m.name), ['credit-xgb/73']);
  assert.equal(expected.inferences, 3);
  assert.match(impact, /^1 model version used fs-accounts-2027-W10: credit-xgb\/73; 1 of them deployed, serving 3 captured inferences\./);
  assert.match(impact, /credit-prod credit-prod-v73 2027-03-08T10:00:00Z still deployed at the last record 3 inferences/);
  assert.match(await p.innerText(id('highlight-label')), /^Downstream of fs-accounts-2027-W10/);
  const lit = await highlighted(p);
  for (const step of expected.models[0].path) {
    if (await p.$(`[data-testid="graph-node"][data-arn="${step.arn}"]`)) assert.ok(lit.includes(step.arn), `${step.name} lit`);
  }
  await p.close();
});

test('every stable hook README lists for a report is on the page for the example', async () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.split('### Stable hooks')[1].split('\n').filter((l) => l.startsWith('| `'));
  const hooks = [];
  for (const row of table) {
    const cells = row.split('|').map((c) => c.trim());
    if (cells[cells.length - 2] !== 'a report') continue;
    const names = [...cells[1].matchAll(/`([a-z-]+(?:\{anchor\})?)`/g)].map((m) => m[1]);
    for (const n of names) {
      if (n === 'section-{anchor}') {
        // The sections the row names, but those shown only sometimes (the audit table: no table in the example).
        hooks.push(...[...cells[2].matchAll(/`(section-[a-z-]+)`/g)].map((m) => m[1]).filter((h) => h !== 'section-audit-table'));
      } else {
        hooks.push(n);
      }
    }
  }
  assert.ok(hooks.length >= 35, `${hooks.length} hooks`);
  const p = await examplePage();
  await pickSubject(p, 'credit-xgb/73');
  await p.waitForSelector(id('section-evidence'));
  const missing = [];
  for (const h of hooks) if (!(await p.$(id(h)))) missing.push(h);
  assert.deepEqual(missing, [], 'hooks missing on the example');
  // The first names hold their answers.
  assert.match(await p.innerText(id('answer-model-version')), /credit-xgb\/73/);
  assert.match(await p.innerText(id('answer-hyperparameters')), /max_depth/);
  assert.match(await p.innerText(id('answer-metrics')), /validation:auc/);
  assert.match(await p.innerText(id('answer-approval')), /risk-ops@company.com/);
  assert.match(await p.innerText(id('gap-list')), /None/);
  await p.close();
});

test('a fetch larger than 50 MB shows the megabytes received of the total, and the bar moves; its SHA-256 is the file\'s', async () => {
  const dir = path.join(ROOT, 'target', 'e2e', 'big');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'synth-28x52.json');
  if (!fs.existsSync(file)) cli(['synth', '--models', '28', '--weeks', '52', '-o', file]);
  const size = fs.statSync(file).size;
  assert.ok(size > 50e6, `${size} bytes`);
  const slow = await startServer({ big: dir }, { slow: ['big'] });
  const p = await browser.context.newPage();
  await p.goto(`${slow.base}/index.html?src=data/big/synth-28x52.json`);
  const seen = [];
  const bars = [];
  while (!(await p.$(id('provenance-sentence')))) {
    const text = await p.$eval(id('progress'), (e) => e.textContent).catch(() => '');
    const m = text.match(/^Fetching data\/big\/synth-28x52\.json: ([\d.]+) MB of ([\d.]+) MB/);
    if (m) {
      seen.push(Number(m[1]));
      assert.equal(Number(m[2]), Number((size / 1e6).toFixed(1)), text);
      bars.push(await p.$eval(`${id('progress')} progress`, (b) => b.value));
    }
    await p.waitForTimeout(50);
  }
  assert.ok(new Set(seen).size >= 5, `the MB line moved: ${seen.join(', ')}`);
  assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]), 'never backwards');
  assert.ok(new Set(bars).size >= 5, `the bar moved: ${bars.join(', ')}`);
  // Hashed by a worker in the many parts it arrived in, and, dropped, in the 16 MB slices it is read in: the
  // file's SHA-256.
  const digest = sha256(file);
  await p.waitForSelector(id('section-evidence'));
  assert.ok((await p.innerText(id('section-evidence'))).includes(digest), 'the fetched file\'s SHA-256');
  await p.close();
  slow.server.close();
  const q = await page();
  await q.setInputFiles(id('file-input'), file);
  await q.waitForSelector(id('section-evidence'));
  assert.ok((await q.innerText(id('section-evidence'))).includes(digest), 'the dropped file\'s SHA-256');
  assert.equal(await q.evaluate(() => window.__lineageTimings.hashed_by_workers), 1);
  await q.close();
});

test('a fetch that fails names the URL and says why', async () => {
  const p = await browser.context.newPage();
  await p.goto(`${base}/index.html?src=data/examples/no-such-file.json`);
  await p.waitForSelector(id('error'));
  assert.match(await p.innerText(id('error')), /could not fetch data\/examples\/no-such-file\.json: HTTP 404/);
  await p.close();
});

test('files past the page\'s input limit are refused before they are read, naming the limit and how to raise it', async () => {
  // Fetched: the Content-Length is over the limit given in the address, so no byte is read.
  const p = await browser.context.newPage();
  const src = EXAMPLE.map((f) => `data/examples/credit-xgb/${path.basename(f)}`).join(',');
  await p.goto(`${base}/index.html?src=${src}&max-input-mb=0`);
  await p.waitForSelector(id('error'));
  const error = await p.innerText(`${id('error')} pre`);
  // Said once, for the first file; the others are not fetched.
  assert.equal(error.trim().split('\n').length, 2, error);
  assert.match(error, /\nthe \d+ files named after it in the address were not fetched$/);
  assert.match(error, /: the input \([\d.]+ MB\) is past the limit of 0.00 MB \(max-input-mb\); if the file is what you meant to give, raise it with \?max-input-mb=\d+ in the page's address/);
  await p.close();
  // Dropped: the same words; raised in the address, the same files load.
  const q = await browser.context.newPage();
  await q.goto(`${base}/index.html?max-input-mb=0`);
  await q.setInputFiles(id('file-input'), EXAMPLE);
  await q.waitForSelector(id('error'));
  assert.match(await q.innerText(`${id('error')} pre`), /^the \d+ files given: the input \([\d.]+ MB\) is past the limit of 0.00 MB \(max-input-mb\)/);
  await q.goto(`${base}/index.html?max-input-mb=50`);
  await q.setInputFiles(id('file-input'), EXAMPLE);
  await pickSubject(q, 'credit-xgb/73');
  assert.equal((await q.textContent(id('provenance-sentence'))).trim(), SENTENCE);
  await q.close();
});
