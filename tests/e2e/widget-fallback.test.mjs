// The widget when WebSockets are blocked: it falls back to the HTTP transport within a
// few seconds and chats both ways with nothing lost or doubled, resumes after a reload,
// goes back to the WebSocket once it works, and tells the visitor when nothing works.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser, screenshot } from './lib/browser.mjs';
import { dialog, bubble, messageItem, openChat, sendFromWidget, receivedBy } from './lib/widget.mjs';

const WAIT = 10000;

let server;
let ctx;
let browser;
let inbox;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  const anna = await onlineAgent(server, ctx.token, { name: 'Anna Virtanen', capacity: 20, label: 'anna' });
  inbox = anna.socket;
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

const demoUrl = () => `${server.url}/demo/?site=${ctx.siteKey}`;

/**
 * A page whose WebSockets close as soon as they open while `blocked` is set (as behind a
 * proxy that refuses upgrades), and reach the server otherwise; counts both, and the
 * HTTP transport's requests.
 */
async function blockableVisitor(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', ...options });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  const net = { blocked: true, refused: 0, passed: 0, opens: 0, polls: 0 };
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (net.blocked) {
      net.refused += 1;
      ws.close({ code: 1011, reason: 'blocked' });
      return;
    }
    net.passed += 1;
    ws.connectToServer();
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/rt/open') net.opens += 1;
    if (url.pathname === '/rt/poll') net.polls += 1;
  });
  return { context, page, net };
}

async function storedBodies(conversationId) {
  const res = await api(server.url, ctx.token, 'GET', `/conversations/${conversationId}/messages?after_seq=0&limit=500`);
  return expectStatus(res, 200).items;
}

async function assertExactlyOnce(page, conversationId, bodies) {
  const items = await storedBodies(conversationId);
  for (const body of bodies) {
    assert.equal(items.filter((m) => m.body === body).length, 1, `stored once: ${body}`);
    assert.equal(await bubble(page, body).count(), 1, `shown once: ${body}`);
  }
  assert.deepEqual(items.map((m) => m.seq), items.map((_, i) => i + 1), 'seqs without gaps');
}

describe('widget with WebSockets blocked', () => {
  it('chats both ways over HTTP, resumes after a reload, and goes back to the WebSocket when it works', async () => {
    const { context, page, net } = await blockableVisitor();
    const started = Date.now();
    await page.goto(demoUrl());
    await openChat(page);
    await sendFromWidget(page, 'Hello through the proxy');
    const first = await receivedBy(inbox, 'Hello through the proxy', WAIT);
    await messageItem(page, 'Hello through the proxy').getByText('Sent').waitFor();
    assert.ok(Date.now() - started < 8000, `fell back within a few seconds (${Date.now() - started} ms)`);
    assert.ok(net.refused >= 2, 'the widget tried the WebSocket first');
    assert.equal(net.opens, 1, 'one HTTP session');
    const conversationId = first.conversation_id;

    // The agent answers and types; the visitor sees both.
    inbox.send({ type: 'typing', conversation_id: conversationId, active: true });
    await dialog(page).getByText(/is typing/).waitFor();
    await inbox.sendMessage('Answer over long polling', { conversation_id: conversationId });
    await bubble(page, 'Answer over long polling').waitFor();
    // The visitor's typing reaches the agent.
    await page.getByRole('textbox', { name: 'Message' }).fill('typing…');
    await inbox.next((f) => f.type === 'typing' && f.conversation_id === conversationId && f.active === true, WAIT);
    await page.getByRole('textbox', { name: 'Message' }).fill('');
    for (const body of ['Second over HTTP', 'Third over HTTP']) await sendFromWidget(page, body);
    for (const body of ['Second over HTTP', 'Third over HTTP']) await messageItem(page, body).getByText('Sent').waitFor();
    await screenshot(page, 'widget-fallback-http');
    await assertExactlyOnce(page, conversationId,
      ['Hello through the proxy', 'Answer over long polling', 'Second over HTTP', 'Third over HTTP']);

    // A reload, still blocked: the history comes back over HTTP, and new messages flow.
    await page.reload();
    await openChat(page);
    await bubble(page, 'Third over HTTP').waitFor();
    await inbox.sendMessage('After the reload', { conversation_id: conversationId });
    await bubble(page, 'After the reload').waitFor();
    await sendFromWidget(page, 'Still here');
    await messageItem(page, 'Still here').getByText('Sent').waitFor();
    assert.equal(net.opens, 2, 'a new HTTP session after the reload');
    await assertExactlyOnce(page, conversationId,
      ['Hello through the proxy', 'Answer over long polling', 'Third over HTTP', 'After the reload', 'Still here']);
    for (const body of ['Hello through the proxy', 'Second over HTTP', 'Still here']) {
      assert.equal(inbox.received((f) => f.type === 'message' && f.message.body === body).length, 1, `the agent got it once: ${body}`);
    }

    // WebSockets work again: the widget is back on one after a reload, and chats there.
    net.blocked = false;
    await page.reload();
    await openChat(page);
    await bubble(page, 'Still here').waitFor();
    const opens = net.opens;
    await inbox.sendMessage('Back on the socket', { conversation_id: conversationId });
    await bubble(page, 'Back on the socket').waitFor();
    await sendFromWidget(page, 'Over the socket');
    await messageItem(page, 'Over the socket').getByText('Sent').waitFor();
    assert.ok(net.passed >= 1, 'a WebSocket reached the server');
    assert.equal(net.opens, opens, 'no HTTP session on the WebSocket');
    await assertExactlyOnce(page, conversationId, ['After the reload', 'Still here', 'Back on the socket', 'Over the socket']);
    await context.close();
  });

  it('switches back to the WebSocket by itself once a probe opens one', async () => {
    const { context, page, net } = await blockableVisitor();
    await page.clock.install();
    await page.goto(demoUrl());
    await openChat(page);
    await sendFromWidget(page, 'Probe me');
    const { conversation_id: conversationId } = await receivedBy(inbox, 'Probe me', WAIT);
    await messageItem(page, 'Probe me').getByText('Sent').waitFor();
    assert.equal(net.passed, 0);
    net.blocked = false;
    await page.clock.runFor(61000);  // the probe's period
    const { passed } = net;
    await inbox.sendMessage('Found the socket again', { conversation_id: conversationId });
    await bubble(page, 'Found the socket again').waitFor();
    assert.ok(passed >= 1 || net.passed >= 1, 'a probe reached the server');
    await sendFromWidget(page, 'On the socket now');
    await messageItem(page, 'On the socket now').getByText('Sent').waitFor();
    assert.ok(net.passed >= 2, `the probe and the new connection went through (${net.passed})`);
    await assertExactlyOnce(page, conversationId, ['Probe me', 'Found the socket again', 'On the socket now']);
    await context.close();
  });

  it('when nothing reaches the server the visitor is told, in their language, and offered the offline form', async () => {
    const { context, page } = await blockableVisitor({ locale: 'fi-FI' });
    await page.route(/\/rt\//, (route) => route.abort());
    // A Finnish shop: the page's language is the widget's.
    await page.route(/\/demo\/(\?|$)/, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('<html lang="en">', '<html lang="fi">');
      await route.fulfill({ response, body });
    });
    await page.goto(demoUrl());
    await page.getByRole('button', { name: 'Avaa chat' }).click();
    await dialog(page).getByText('Emme juuri nyt saa yhteyttä chattiin', { exact: false }).waitFor({ timeout: 20000 });
    await dialog(page).getByRole('textbox', { name: 'Sähköposti' }).waitFor();
    await screenshot(page, 'widget-fallback-unreachable');
    await context.close();
  });
});
