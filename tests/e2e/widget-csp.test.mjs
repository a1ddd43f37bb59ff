// The widget on a shop page with a strict Content-Security-Policy of its own, served from
// another origin than Juttu's: the policy allows exactly what web/widget/README.md says a
// shop must allow (Juttu's script and its WebSocket), nothing inline, no style at all and
// Trusted Types enforced. The widget must look and work as usual without one violation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, demo, api, expectStatus } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser, screenshot } from './lib/browser.mjs';
import { launcher, dialog, messageBox, messageItem, openChat, sendFromWidget, receivedBy } from './lib/widget.mjs';

const WAIT = 8000;
const VIEWPORT = { width: 1280, height: 800 };

let server;
let browser;
let anna;
let shop; // {server, url}
let siteKey;

/** The shop's policy: Juttu's script and WebSocket, a data: favicon, nothing else. */
function shopPolicy(juttuUrl) {
  const juttu = new URL(juttuUrl);
  return [
    "default-src 'none'",
    `script-src ${juttu.origin}`,
    `connect-src ws://${juttu.host}`,
    'img-src data:',
    "style-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

function shopPage(juttuUrl, key) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Strict shop</title>
<link rel="icon" href="data:,">
</head>
<body>
<h1>A shop with a strict policy</h1>
<script src="${juttuUrl}/widget.js" data-site="${key}" async></script>
</body>
</html>
`;
}

/** A tiny shop on its own origin (127.0.0.1, a free port); `answer()` gives {policy, html}. */
function startShop(answer) {
  const httpServer = http.createServer((req, res) => {
    const { policy, html } = answer();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': policy });
    res.end(html);
  });
  return new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => {
      resolve({ server: httpServer, url: `http://127.0.0.1:${httpServer.address().port}` });
    });
  });
}

/** Every CSP and Trusted Types complaint the page makes: events, console errors, exceptions. */
async function watchViolations(page) {
  const problems = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} ${e.sample}`);
    }, true);
  });
  page.on('console', (message) => {
    if (/securitypolicyviolation|Content Security Policy|Trusted Type/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

before(async () => {
  server = await startServer();
  const ctx = await demo(server);
  anna = await onlineAgent(server, ctx.token, { name: 'Anna Virtanen', capacity: 5, label: 'anna' });
  browser = await launchBrowser();
  // The shop's origin is known once it listens; the site allowing it is made before any visit.
  shop = await startShop(() => ({ policy: shopPolicy(server.url), html: shopPage(server.url, siteKey) }));
  const site = expectStatus(await api(server, ctx.token, 'POST', '/sites', { name: 'Strict shop', allowed_origins: [shop.url] }), 201);
  siteKey = site.key;
});

after(async () => {
  if (browser) await browser.close();
  if (shop) await new Promise((resolve) => shop.server.close(resolve));
});

describe('widget under a shop\'s strict Content-Security-Policy', () => {
  it('the shop page really enforces the policy (an inline style is reported)', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
    const page = await context.newPage();
    const problems = await watchViolations(page);
    await page.goto(shop.url);
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'h1 { color: red }';
      document.head.append(style);
    });
    await page.waitForTimeout(200);
    assert.ok(problems.some((p) => /style-src/.test(p)), `no violation reported: ${problems.join('\n')}`);
    await context.close();
  });

  it('the widget opens, is styled, sends a message that is acknowledged, and nothing is blocked', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    const problems = await watchViolations(page);
    await page.goto(shop.url);

    await launcher(page).waitFor();
    // Styled: the launcher is the round button fixed at the bottom right, not an unstyled one in the flow.
    const box = await launcher(page).boundingBox();
    assert.ok(box.width >= 50 && box.width <= 70 && box.height >= 50, `launcher size ${JSON.stringify(box)}`);
    assert.ok(box.x + box.width > VIEWPORT.width - 40 && box.y + box.height > VIEWPORT.height - 40,
      `launcher not at the bottom right: ${JSON.stringify(box)}`);
    assert.equal(await launcher(page).evaluate((el) => getComputedStyle(el).position), 'fixed');

    await openChat(page);
    const body = 'Hello from a shop with a strict policy';
    await sendFromWidget(page, body);
    const message = await receivedBy(anna.socket, body, WAIT);
    assert.equal(message.author.kind, 'visitor');
    await messageItem(page, body).getByText('Sent').waitFor();
    assert.equal(await messageBox(page).inputValue(), '');
    await screenshot(page, 'widget-strict-csp');

    await dialog(page).getByRole('button', { name: 'Close chat' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    await page.waitForTimeout(300); // a late report would still be caught
    assert.deepEqual(problems, [], 'CSP or Trusted Types violations');
    await context.close();
  });
});
