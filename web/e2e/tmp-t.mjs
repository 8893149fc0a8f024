import path from 'node:path';
import { startServer, launch, ROOT } from './harness.mjs';
const { server, base } = await startServer();
const browser = await launch();
for (let i = 0; i < 2; i++) {
const p = await browser.context.newPage();
await p.goto(`${base}/index.html`);
await p.waitForSelector('[data-testid="drop-zone"]');
const t0 = Date.now();
await p.setInputFiles('[data-testid="file-input"]', [path.join(ROOT, 'bench/out/web-100k.json')]);
await p.waitForSelector('[data-testid="provenance-sentence"]', { timeout: 60000 });
console.log(Date.now() - t0, JSON.stringify(await p.evaluate(() => window.__lineageTimings)), await p.evaluate(() => document.hidden));
await p.close();
}
await browser.close(); server.close();
