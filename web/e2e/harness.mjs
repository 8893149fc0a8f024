// Shared by the end-to-end tests and the browser benchmark: a static server on 127.0.0.1 for dist/ (the built
// page) and the repository's example and fixtures, and Debian's headless Chromium driven by playwright-core.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.jsonl': 'application/json', '.ndjson': 'application/json', '.ttf': 'font/ttf', '.png': 'image/png' };

/** Serves dist/ at / and the repository's examples/, tests/fixtures/ and any extra folders under /data/ (those named
 * in `slow` a megabyte every 40 ms), with their Content-Length. */
export function startServer(extra = {}, { slow = [] } = {}) {
  const mounts = { examples: path.join(ROOT, 'examples'), fixtures: path.join(ROOT, 'tests', 'fixtures'), ...extra };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let file;
    const parts = decodeURIComponent(url.pathname).split('/').filter(Boolean);
    if (parts[0] === 'data' && mounts[parts[1]]) {
      file = path.join(mounts[parts[1]], ...parts.slice(2));
      if (!file.startsWith(mounts[parts[1]])) file = null;
    } else {
      const dist = path.join(ROOT, 'dist');
      file = path.join(dist, ...(parts.length ? parts : ['index.html']));
      if (!file.startsWith(dist)) file = null;
    }
    if (!file || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': fs.statSync(file).size,
    });
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    if (parts[0] === 'data' && slow.includes(parts[1])) {
      // A slow link: a megabyte every 40 ms, so a page's progress can be watched while it arrives.
      stream.on('data', (chunk) => {
        stream.pause();
        res.write(chunk);
        setTimeout(() => stream.resume(), 40);
      });
      stream.on('end', () => res.end());
    } else {
      stream.pipe(res);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${server.address().port}` }));
  });
}

/** Debian's Chromium, headless, with a fresh profile and no background networking. */
export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { context: browser, close: async () => { await browser.close(); fs.rmSync(profile, { recursive: true, force: true }); } };
}

/** Every file the CLI reads in a folder (.json, .jsonl, .ndjson), as absolute paths, sorted; with `recursive`, in
 * its subfolders too (as the CLI and `bash scripts/web serve` read a folder). */
export function filesIn(rel, { recursive = false } = {}) {
  const dir = path.join(ROOT, rel);
  const entries = fs.readdirSync(dir, { recursive }).map(String);
  return entries.filter((f) => /\.(json|jsonl|ndjson)$/.test(f) && fs.statSync(path.join(dir, f)).isFile())
    .sort().map((f) => path.join(dir, f));
}
