#!/usr/bin/env node
/**
 * Runs p2p-page.ts in Debian Chromium (fake media). Run it inside a fresh network namespace so
 * media only uses loopback:
 *   unshare -n sh -c 'ip link set lo up && timeout 90 node packages/rtc/browser-check/run-p2p-check.mjs'
 */
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = await build({
  entryPoints: [resolve(here, 'p2p-page.ts')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  write: false,
});
const html = `<!doctype html><html><body><script>${bundle.outputFiles[0].text}</script></body></html>`;
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const watchdog = setTimeout(() => {
  console.error('watchdog: giving up');
  process.exit(2);
}, 80_000);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
  ],
});
let code = 0;
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
  await page.goto(url);
  const result = await page.evaluate(() => window.runP2PCheck());
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  console.error('P2P check failed:', error);
  code = 1;
} finally {
  clearTimeout(watchdog);
  await browser.close();
  server.close();
}
process.exit(code);
