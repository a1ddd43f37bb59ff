// What the widget costs a shop's page: bytes on the wire, script time, layout shift and
// connections before the visitor opens the chat. Prints one `BENCH {...}` line.
//
//   node bench/widget_cost.mjs [RUNS]      (needs build/juttu and scripts/build-web)
import { gzipSync } from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT, startServer, demo } from '../tests/integration/lib/harness.mjs';

const runs = Number(process.argv[2] || 5);
const widgetFile = path.join(REPO_ROOT, 'web', 'public', 'widget.js');
const raw = fs.readFileSync(widgetFile);

const server = await startServer();
const { siteKey } = await demo(server);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { scriptMs: [], shift: [], connections: [], requests: [] };
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let sockets = 0;
  let requests = 0;
  page.on('websocket', () => { sockets += 1; });
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__shift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${server.url}/demo/?site=${siteKey}`, { waitUntil: 'load' });
  page.on('request', () => { requests += 1; });
  await page.getByRole('button', { name: 'Open chat' }).waitFor();
  await page.waitForTimeout(300);
  const cost = await page.evaluate(() => {
    const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/widget.js'));
    return { duration: entry ? entry.duration : null, shift: window.__shift };
  });
  samples.scriptMs.push(cost.duration);
  samples.shift.push(cost.shift);
  samples.connections.push(sockets);
  samples.requests.push(requests);
  await context.close();
}

// Script evaluation cost, measured apart from the network: time to run the bundle in a
// blank page (the widget installs itself but finds no data-site and stops at once).
const blank = await browser.newPage();
await blank.goto(`${server.url}/`);
const evalMs = [];
for (let i = 0; i < runs; i++) {
  evalMs.push(await blank.evaluate((source) => {
    const start = performance.now();
    new Function(source)();
    return performance.now() - start;
  }, raw.toString('utf8')));
}

await browser.close();
await server.stop();
console.log('BENCH ' + JSON.stringify({
  scenario: 'widget',
  bytes: raw.length,
  gzip_bytes: gzipSync(raw, { level: 9 }).length,
  load_ms_p50: Number(median(samples.scriptMs).toFixed(1)),
  eval_ms_p50: Number(median(evalMs).toFixed(2)),
  layout_shift: median(samples.shift),
  websockets_before_open: Math.max(...samples.connections),
  requests_after_load_before_open: Math.max(...samples.requests),
  runs,
}));
process.exit(0);
