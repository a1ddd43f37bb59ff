// The chat widget when things go wrong around it: the network drops, the server closes
// the socket after storing a message but before its ack arrives, the page's CSS is
// hostile, the screen is a phone's. Messages must arrive exactly once and the widget must
// still look and work right.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, demo, api, expectStatus } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser, screenshot, SCREENSHOT_DIR } from './lib/browser.mjs';
import {
  launcher, dialog, log, messageBox, bubble, messageItem, openChat, sendFromWidget, receivedBy,
  loseFirstAck,
} from './lib/widget.mjs';

const WAIT = 8000;

let server;
let ctx; // {admin, token, site, siteKey}
let browser;
let inbox; // an agent's WebSocket: receives every event of the workspace

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  // An agent online (with room for every chat of this file): otherwise the widget offers
  // the offline form instead of the chat.
  const anna = await onlineAgent(server, ctx.token, { name: 'Anna Virtanen', capacity: 20, label: 'anna' });
  inbox = anna.socket;
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

async function newVisitor(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', ...options });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return { context, page };
}

const demoUrl = (file = '') => `${server.url}/demo/${file}?site=${ctx.siteKey}`;
const agentReceives = (body) => receivedBy(inbox, body, WAIT);

/** Asserts every body is stored exactly once in the conversation and shown exactly once. */
async function assertExactlyOnce(page, conversationId, bodies) {
  const res = await api(server.url, ctx.token, 'GET', `/conversations/${conversationId}/messages?after_seq=0&limit=500`);
  const items = expectStatus(res, 200).items;
  for (const body of bodies) {
    assert.equal(items.filter((m) => m.body === body).length, 1, `stored once: ${body}; stored: ${JSON.stringify(items.map((m) => m.body))}`);
    assert.equal(await bubble(page, body).count(), 1, `shown once: ${body}`);
  }
  assert.deepEqual(items.map((m) => m.seq), items.map((_, i) => i + 1), 'seqs without gaps');
}

describe('widget resilience', () => {
  it('the network drops and returns while the visitor writes: every message arrives once', async () => {
    const { context, page } = await newVisitor();
    await page.goto(demoUrl());
    await openChat(page);
    await sendFromWidget(page, 'Before the drop');
    const { conversation_id: conversationId } = await agentReceives('Before the drop');
    await messageItem(page, 'Before the drop').getByText('Sent').waitFor();

    // Sent just as the network goes: its ack may or may not come back.
    await sendFromWidget(page, 'As the network goes');
    await context.setOffline(true);
    await dialog(page).getByText('Reconnecting…').waitFor();
    await sendFromWidget(page, 'While offline 1');
    await sendFromWidget(page, 'While offline 2');
    await messageItem(page, 'While offline 2').getByText('Sending…').waitFor();
    await screenshot(page, 'widget-reconnecting');
    await inbox.sendMessage('The agent wrote during the outage', { conversation_id: conversationId });
    await page.waitForTimeout(1500); // a few failed reconnect attempts
    assert.equal(await messageItem(page, 'While offline 1').getByText('Sending…').count(), 1);

    await context.setOffline(false);
    await dialog(page).getByText('Reconnecting…').waitFor({ state: 'hidden' });
    for (const body of ['As the network goes', 'While offline 1', 'While offline 2']) {
      await messageItem(page, body).getByText('Sent').waitFor();
    }
    await bubble(page, 'The agent wrote during the outage').waitFor();
    await assertExactlyOnce(page, conversationId, [
      'Before the drop', 'As the network goes', 'While offline 1', 'While offline 2', 'The agent wrote during the outage',
    ]);
    // The agent got each visitor message once (events are not repeated for retries).
    await page.waitForTimeout(300);
    for (const body of ['As the network goes', 'While offline 1', 'While offline 2']) {
      assert.equal(inbox.received((f) => f.type === 'message' && f.message.body === body).length, 1, body);
    }
    // The same holds after a reload.
    await page.reload();
    await openChat(page);
    await bubble(page, 'While offline 2').waitFor();
    await assertExactlyOnce(page, conversationId, ['While offline 1', 'While offline 2', 'The agent wrote during the outage']);
    await context.close();
  });

  it('the server closes the socket after storing a message but before its ack arrives: resent once, same client_id', async () => {
    const { context, page } = await newVisitor();
    const proxy = await loseFirstAck(page);
    await page.goto(demoUrl());
    await openChat(page);
    await sendFromWidget(page, 'My ack gets lost');
    const stored = await agentReceives('My ack gets lost');
    await messageItem(page, 'My ack gets lost').getByText('Sent').waitFor();
    assert.ok(proxy.connections >= 2, 'the widget reconnected');
    const attempts = proxy.sent.filter((f) => f.type === 'send' && f.body === 'My ack gets lost');
    assert.ok(attempts.length >= 2, `resent after reconnecting: ${JSON.stringify(attempts)}`);
    assert.ok(attempts.every((s) => s.client_id === attempts[0].client_id), 'the retry keeps its client_id');
    assert.equal(stored.client_id, attempts[0].client_id);

    await sendFromWidget(page, 'And the next one');
    await messageItem(page, 'And the next one').getByText('Sent').waitFor();
    await assertExactlyOnce(page, stored.conversation_id, ['My ack gets lost', 'And the next one']);
    // Time first, so that the server's idempotency index grows at its end.
    const next = proxy.sent.find((f) => f.type === 'send' && f.body === 'And the next one');
    assert.match(attempts[0].client_id, /^w-[0-9a-z]{9}-/, 'a client id begins with the time');
    assert.ok(next.client_id > attempts[0].client_id, 'a later message sorts after an earlier one');
    await context.close();
  });

  it('works and looks right on a page with hostile global CSS', async () => {
    const { context, page } = await newVisitor();
    await page.goto(demoUrl('hostile.html'));
    await launcher(page).waitFor();
    const box = await launcher(page).boundingBox();
    assert.ok(box && box.width === 60 && box.height === 60, `launcher size ${JSON.stringify(box)}`);
    assert.equal(box.x + box.width, 1280 - 20, 'launcher at the right edge');
    assert.equal(box.y + box.height, 800 - 20, 'launcher at the bottom');
    await screenshot(page, 'widget-hostile-closed');

    await openChat(page);
    const panel = await dialog(page).boundingBox();
    assert.equal(panel.width, 370, `panel ${JSON.stringify(panel)}`);
    const greeting = log(page).getByText(ctx.site.greeting, { exact: true });
    const style = await greeting.evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, fontSize: s.fontSize, display: s.display, fontFamily: s.fontFamily };
    });
    assert.equal(style.fontSize, '15px');
    assert.notEqual(style.color, 'rgb(255, 0, 0)');
    assert.equal(style.display, 'block');
    assert.doesNotMatch(style.fontFamily, /Comic/);
    const send = dialog(page).getByRole('button', { name: 'Send' });
    assert.ok((await send.boundingBox()).width > 30, 'the Send button is visible');

    await sendFromWidget(page, 'Hello from a hostile page');
    const message = await agentReceives('Hello from a hostile page');
    await inbox.sendMessage('Your page is very red.', { conversation_id: message.conversation_id });
    await bubble(page, 'Your page is very red.').waitFor();
    await messageItem(page, 'Hello from a hostile page').getByText('Sent').waitFor();
    await screenshot(page, 'widget-hostile');
    await context.close();
  });

  it('stays out of the page: no styles in the document, no layout shift, the host last in <body>', async () => {
    const { context, page } = await newVisitor();
    await page.goto(demoUrl());
    await launcher(page).waitFor();
    const result = await page.evaluate(() => {
      const host = document.body.lastElementChild;
      const measure = () => [document.documentElement.scrollHeight, document.querySelector('h1').getBoundingClientRect().top,
        document.querySelector('.products').getBoundingClientRect().height];
      const withWidget = measure();
      host.style.display = 'none';
      const without = measure();
      host.style.display = '';
      return {
        tag: host.tagName.toLowerCase(),
        shadow: !!host.shadowRoot,
        documentStyles: document.querySelectorAll('style').length,
        shadowStyles: host.shadowRoot ? host.shadowRoot.querySelectorAll('style').length : 0,
        adoptedSheets: host.shadowRoot ? host.shadowRoot.adoptedStyleSheets.length : 0,
        withWidget,
        without,
      };
    });
    assert.equal(result.tag, 'juttu-chat');
    assert.ok(result.shadow, 'an open shadow root');
    assert.equal(result.documentStyles, 0, 'no <style> added to the page');
    // Its CSS is one constructed sheet, which a page's CSP style-src does not block.
    assert.equal(result.shadowStyles, 0, 'no <style> element in the shadow root');
    assert.equal(result.adoptedSheets, 1, 'one adopted stylesheet');
    assert.deepEqual(result.withWidget, result.without, 'the page lays out the same with and without the widget');
    await context.close();
  });

  it('on a page whose origin the site does not allow, the widget removes itself and does not retry', async () => {
    const patch = (body) => api(server.url, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, body);
    expectStatus(await patch({ allowed_origins: ['https://shop.example'] }), 200);
    try {
      const { context, page } = await newVisitor();
      const sockets = [];
      page.on('websocket', (ws) => sockets.push(ws));
      const warnings = [];
      page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
      await page.goto(demoUrl());
      await page.waitForFunction(() => !document.querySelector('juttu-chat') && window.Juttu && window.Juttu.loaded);
      await page.waitForTimeout(1500);
      assert.equal(sockets.length, 1, 'no reconnect loop');
      assert.equal(await launcher(page).count(), 0);
      assert.ok(warnings.some((w) => w.startsWith('Juttu:')), `a console warning: ${warnings}`);
      await context.close();
    } finally {
      expectStatus(await patch({ allowed_origins: ctx.site.allowed_origins }), 200);
    }
  });

  it('fills the screen of a phone (390x844)', async () => {
    const { context, page } = await newVisitor({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(demoUrl());
    await launcher(page).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'widget-phone-closed.png') });
    await launcher(page).tap();
    await dialog(page).waitFor();
    const panel = await dialog(page).boundingBox();
    assert.deepEqual(panel, { x: 0, y: 0, width: 390, height: 844 });
    await sendFromWidget(page, 'Hi from my phone');
    const message = await agentReceives('Hi from my phone');
    await inbox.sendMessage('Hello! How can I help?', { conversation_id: message.conversation_id });
    await bubble(page, 'Hello! How can I help?').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'widget-phone.png') });
    await dialog(page).getByRole('button', { name: 'Close chat' }).tap();
    await launcher(page).waitFor();
    await context.close();
  });
});
