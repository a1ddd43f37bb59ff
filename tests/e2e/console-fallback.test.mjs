// The console when WebSockets are blocked: it goes over the HTTP transport and the agent
// still sees visitors' messages live and answers them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, visitor, ADMIN_EMAIL, ADMIN_PASSWORD } from '../integration/lib/harness.mjs';
import { launchBrowser } from './lib/browser.mjs';

const WAIT = 10000;

let server;
let ctx;
let browser;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

describe('console with WebSockets blocked', () => {
  it('shows a visitor message live and sends the reply over HTTP', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    let refused = 0;
    let polls = 0;
    await page.routeWebSocket(/\/ws$/, (ws) => {
      refused += 1;
      ws.close({ code: 1011, reason: 'blocked' });
    });
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/rt/poll') polls += 1;
    });
    await page.goto(`${server.url}/console/`);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('tab', { name: 'Unassigned', exact: true }).waitFor();

    // Online over HTTP, the admin may be given the chat at once: it shows under All.
    await page.getByRole('tab', { name: 'All', exact: true }).click();
    const v = await visitor(server, ctx.siteKey, { label: 'behind-the-proxy' });
    await v.sendMessage('Can the console hear me?');
    const row = page.getByRole('list', { name: 'Conversations' }).getByRole('listitem')
      .filter({ hasText: 'Can the console hear me?' });
    await row.waitFor();
    assert.ok(refused >= 2, 'the console tried the WebSocket first');
    assert.ok(polls >= 1, 'the console polls over HTTP');

    await row.getByRole('button').click();
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('Loud and clear, over HTTP.');
    await box.press('Enter');
    const reply = await v.next((f) => f.type === 'message' && f.message.author.kind === 'agent', WAIT);
    assert.equal(reply.message.body, 'Loud and clear, over HTTP.');
    await page.getByRole('log', { name: 'Messages' }).getByText('Sent', { exact: true }).waitFor();
    await v.close();
    await context.close();
  });
});
