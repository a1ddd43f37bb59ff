// The chat widget in a real browser, used the way a visitor uses it: elements are found
// by role and accessible name. An agent answers through a real WebSocket connection.
// The demo pages are opened with ?site=KEY so they do not depend on the demo-site
// endpoint; one test covers that endpoint on its own.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus, eventually } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser, screenshot } from './lib/browser.mjs';
import {
  launcher, dialog, log, messageBox, bubble, messageItem, openChat, sendFromWidget, receivedBy,
} from './lib/widget.mjs';

const AGENT_NAME = 'Anna Virtanen';
const WAIT = 8000;

let server;
let ctx; // {admin, token, site, siteKey}
let browser;
let anna; // {agent, token}
let inbox; // Anna's WebSocket: receives every event of the workspace

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  // An agent online (with room for every chat of this file): otherwise the widget offers
  // the offline form instead of the chat.
  anna = await onlineAgent(server, ctx.token, { name: AGENT_NAME, capacity: 20, label: 'anna' });
  inbox = anna.socket;
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

async function newVisitor(viewport = { width: 1280, height: 800 }, options = {}) {
  const context = await browser.newContext({ viewport, locale: 'en-US', ...options });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return { context, page };
}

const demoUrl = (path = '') => `${server.url}/demo/${path}${path.includes('?') ? '&' : '?'}site=${ctx.siteKey}`;
const agentReceives = (body) => receivedBy(inbox, body, WAIT);

async function countInUi(page, body) {
  return bubble(page, body).count();
}

async function restMessages(conversationId) {
  const res = await api(server.url, ctx.token, 'GET', `/conversations/${conversationId}/messages?after_seq=0&limit=500`);
  return expectStatus(res, 200).items;
}

describe('widget', () => {
  it('before the chat is opened, the widget makes one WebSocket and no other request', async () => {
    const { context, page } = await newVisitor();
    const requests = [];
    const sockets = [];
    const sent = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framesent', (frame) => sent.push(JSON.parse(frame.payload)));
    });
    await page.goto(demoUrl());
    await launcher(page).waitFor();
    // The hello was accepted and the page view reported: the agent sees it.
    const view = await inbox.next((f) => f.type === 'page_view' && f.url === demoUrl(), WAIT);
    assert.equal(view.title, await page.title());
    await page.waitForTimeout(1000);

    const widgetAt = requests.findIndex((u) => new URL(u).pathname === '/widget.js');
    assert.ok(widgetAt >= 0, `widget.js was not loaded: ${requests.join(', ')}`);
    assert.deepEqual(requests.slice(widgetAt + 1), [], 'requests made by the widget before opening');
    assert.deepEqual(sockets, [`${server.url.replace('http', 'ws')}/ws`]);

    const hello = sent.find((f) => f.type === 'hello');
    assert.equal(hello.role, 'visitor');
    assert.equal(hello.site_key, ctx.siteKey);
    assert.equal(hello.contact_token, undefined, 'a first visit has no contact token');
    assert.equal(hello.context.language, 'en-US');
    assert.match(hello.context.screen, /^\d+x\d+$/);
    assert.equal(typeof hello.context.timezone, 'string');
    assert.deepEqual(sent.map((f) => f.type), ['hello', 'page_view']);

    const token = await page.evaluate((key) => localStorage.getItem(`juttu:${key}:contact`), ctx.siteKey);
    assert.match(token, /^ct_/);
    await screenshot(page, 'widget-closed-demo');
    await context.close();
  });

  it('the demo page finds its site key by itself (GET /api/v1/demo/site)', async () => {
    const { context, page } = await newVisitor();
    await page.goto(`${server.url}/demo/`);
    await launcher(page).waitFor({ timeout: 5000 });
    await context.close();
  });

  describe('a conversation', () => {
    let context;
    let page;
    let conversationId;
    let question;
    const first = 'Hello! Is the birch mug dishwasher safe?';
    const reply = 'Hi! Yes, it is — up to 60 °C.';

    before(async () => {
      ({ context, page } = await newVisitor());
    });

    after(async () => {
      await context.close();
    });

    it('the visitor opens the chat, sees the greeting and sends a message that the agent receives', async () => {
      await page.goto(demoUrl());
      await openChat(page);
      await log(page).getByText(ctx.site.greeting).waitFor();
      // Focus moved into the panel, to the message box.
      assert.ok(await messageBox(page).evaluate((el) => el.getRootNode().activeElement === el));
      await sendFromWidget(page, first);
      question = await agentReceives(first);
      assert.equal(question.author.kind, 'visitor');
      conversationId = question.conversation_id;
      await messageItem(page, first).getByText('Sent').waitFor();
      assert.equal(await messageBox(page).inputValue(), '', 'the message box is emptied');
      assert.equal(await messageItem(page, first).locator('time').count(), 1, 'a timestamp');
    });

    it('the visitor sees the agent typing, then the reply with the agent\'s name and initials', async () => {
      inbox.send({ type: 'typing', conversation_id: conversationId, active: true });
      await dialog(page).getByText(/is typing…/).waitFor();
      await inbox.sendMessage(reply, { conversation_id: conversationId });
      await bubble(page, reply).waitFor();
      await dialog(page).getByText(/is typing…/).waitFor({ state: 'hidden' });
      // Opened and visible: the widget marks the reply read.
      const read = await inbox.next((f) => f.type === 'read' && f.conversation_id === conversationId && f.reader.kind === 'visitor', WAIT);
      assert.equal(read.seq, 2);
    });

    it('the agent\'s read mark shows as "Read" on the visitor\'s message', async () => {
      inbox.send({ type: 'read', conversation_id: conversationId, seq: question.seq });
      await messageItem(page, first).getByText('Read').waitFor();
      await screenshot(page, 'widget-open-conversation');
    });

    it('the agent\'s name comes from author.name (needs the server to send it)', async () => {
      await messageItem(page, reply).getByText(AGENT_NAME, { exact: true }).waitFor({ timeout: 2000 });
      await messageItem(page, reply).getByText('AV', { exact: true }).waitFor({ timeout: 2000 });
      inbox.send({ type: 'typing', conversation_id: conversationId, active: true });
      await dialog(page).getByText(`${AGENT_NAME} is typing…`).waitFor({ timeout: 2000 });
      inbox.send({ type: 'typing', conversation_id: conversationId, active: false });
      await dialog(page).getByText(/is typing…/).waitFor({ state: 'hidden' });
    });

    it('the visitor\'s typing reaches the agent, and stops on send', async () => {
      await messageBox(page).pressSequentially('Also, ', { delay: 20 });
      const typing = await inbox.next((f) => f.type === 'typing' && f.conversation_id === conversationId && f.author.kind === 'visitor', WAIT);
      assert.equal(typing.active, true);
      await messageBox(page).pressSequentially('do you ship to Tallinn?');
      await messageBox(page).press('Shift+Enter');
      await messageBox(page).pressSequentially('Thanks!');
      assert.equal(await messageBox(page).inputValue(), 'Also, do you ship to Tallinn?\nThanks!', 'Shift+Enter is a new line');
      await dialog(page).getByRole('button', { name: 'Send' }).click();
      const stopped = await inbox.next((f) => f.type === 'typing' && f.conversation_id === conversationId && f.author.kind === 'visitor' && f.active === false, WAIT);
      assert.equal(stopped.active, false);
      await agentReceives('Also, do you ship to Tallinn?\nThanks!');
    });

    it('a reload restores the conversation', async () => {
      await page.reload();
      await openChat(page);
      await bubble(page, reply).waitFor();
      for (const body of [first, reply, 'Also, do you ship to Tallinn?\nThanks!']) {
        assert.equal(await countInUi(page, body), 1, `${body} shown once`);
      }
      await messageItem(page, first).getByText('Read').waitFor();
      // The other page of the shop knows the visitor too.
      await page.goto(demoUrl('cart.html'));
      await openChat(page);
      await bubble(page, reply).waitFor();
    });

    it('Escape closes the chat and focus returns to the launcher; the keyboard opens it again', async () => {
      await messageBox(page).focus();
      await page.keyboard.press('Escape');
      await dialog(page).waitFor({ state: 'hidden' });
      assert.ok(await launcher(page).evaluate((el) => el.getRootNode().activeElement === el), 'focus on the launcher');
      await page.keyboard.press('Enter');
      await dialog(page).waitFor();
      assert.ok(await messageBox(page).evaluate((el) => el.getRootNode().activeElement === el), 'focus in the message box');
      await dialog(page).getByRole('button', { name: 'Close chat' }).click();
      await dialog(page).waitFor({ state: 'hidden' });
    });

    it('the unread badge counts agent messages while the chat is closed, also after a reload', async () => {
      await launcher(page).waitFor();
      await inbox.sendMessage('Yes, we ship to Tallinn.', { conversation_id: conversationId });
      await inbox.sendMessage('Delivery takes 2–3 days.', { conversation_id: conversationId });
      await launcher(page).getByText('2', { exact: true }).waitFor();
      await page.getByText('2 unread messages').waitFor({ state: 'attached' });
      await page.reload();
      await launcher(page).getByText('2', { exact: true }).waitFor();
      await openChat(page);
      await bubble(page, 'Delivery takes 2–3 days.').waitFor();
      await inbox.next((f) => f.type === 'read' && f.conversation_id === conversationId && f.reader.kind === 'visitor' && f.seq >= 5, WAIT);
      await dialog(page).getByRole('button', { name: 'Close chat' }).click();
      assert.equal(await launcher(page).getByText('2', { exact: true }).count(), 0, 'badge cleared');
    });
  });

  it('two visitors get two separate conversations', async () => {
    const one = await newVisitor();
    const two = await newVisitor();
    await Promise.all([one.page.goto(demoUrl()), two.page.goto(demoUrl())]);
    await openChat(one.page);
    await openChat(two.page);
    await sendFromWidget(one.page, 'I am visitor one');
    await sendFromWidget(two.page, 'I am visitor two');
    const a = await agentReceives('I am visitor one');
    const b = await agentReceives('I am visitor two');
    assert.notEqual(a.conversation_id, b.conversation_id);
    assert.notEqual(a.author.id, b.author.id);
    await bubble(one.page, 'I am visitor one').waitFor();
    assert.equal(await countInUi(one.page, 'I am visitor two'), 0);
    assert.equal(await countInUi(two.page, 'I am visitor one'), 0);
    await inbox.sendMessage('Hello visitor two', { conversation_id: b.conversation_id });
    await bubble(two.page, 'Hello visitor two').waitFor();
    await one.page.waitForTimeout(300);
    assert.equal(await countInUi(one.page, 'Hello visitor two'), 0);
    await one.context.close();
    await two.context.close();
  });

  it('Juttu.open() and Juttu.on(\'message\') work, also when called before widget.js has loaded', async () => {
    const { context, page } = await newVisitor();
    // Calls queued before widget.js has loaded, with the stub from the README: they run
    // before any script of the page (the demo page loads the widget later, like a shop).
    await page.addInitScript(() => {
      window.Juttu=window.Juttu||{q:[]};['open','close','identify','setAttributes','on'].forEach(function(m){Juttu[m]=Juttu[m]||function(){Juttu.q.push([m].concat([].slice.call(arguments)))}});
      window.received = [];
      window.Juttu.on('message', (m) => window.received.push(m));
      window.Juttu.open();
    });
    await page.goto(demoUrl());
    await dialog(page).waitFor();
    await sendFromWidget(page, 'Queued API visitor here');
    const question = await agentReceives('Queued API visitor here');
    await inbox.sendMessage('Welcome, API visitor', { conversation_id: question.conversation_id });
    const received = await eventually(async () => {
      const got = await page.evaluate(() => window.received);
      return got.length >= 2 && got;
    }, { timeoutMs: WAIT, what: 'two message events' });
    assert.equal(received[0].body, 'Queued API visitor here');
    assert.equal(received[0].author.kind, 'visitor');
    assert.equal(received[0].seq, 1);
    assert.equal(received[1].body, 'Welcome, API visitor');
    assert.equal(received[1].author.kind, 'agent');
    assert.equal(received[1].seq, 2);
    assert.equal(typeof received[1].created_at, 'number');
    await page.evaluate(() => window.Juttu.close());
    await dialog(page).waitFor({ state: 'hidden' });
    await page.evaluate(() => window.Juttu.open());
    await dialog(page).waitFor();
    await context.close();
  });

  it('speaks the page\'s language, else the browser\'s (Finnish, Swedish)', async () => {
    // Pages served by page.route cannot open sockets to 127.0.0.1 (Chromium's local network
    // access checks), which this test does not need: the labels are there before connecting.
    const pageIn = (lang) => `<!doctype html><html${lang ? ` lang="${lang}"` : ''}><head><title>Tuote</title>
      <link rel="icon" href="data:,"></head><body><h1>Tuote</h1>
      <script src="/widget.js" data-site="${ctx.siteKey}" async></script></body></html>`;
    const { context, page } = await newVisitor({ width: 1280, height: 800 }, { locale: 'sv-SE' });
    await page.route(`${server.url}/shop/fi.html`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: pageIn('fi-FI') }));
    await page.route(`${server.url}/shop/any.html`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: pageIn('') }));
    await page.goto(`${server.url}/shop/fi.html`);
    await page.getByRole('button', { name: 'Avaa chat' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Viesti' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Lähetä' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Sulje chat' }).click();
    await page.getByRole('button', { name: 'Avaa chat' }).waitFor();
    await page.goto(`${server.url}/shop/any.html`);
    await page.getByRole('button', { name: 'Öppna chatt' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Meddelande' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Skicka' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Stäng chatt' }).waitFor();
    await context.close();
  });

  it('takes its colour and greeting from the site\'s settings, with readable text on a light colour', async () => {
    const original = { color: ctx.site.color, greeting: ctx.site.greeting };
    const patch = (body) => api(server.url, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, body);
    expectStatus(await patch({ color: '#f6e05e', greeting: 'Tere! Kuidas saame aidata?' }), 200);
    try {
      const { context, page } = await newVisitor();
      await page.goto(demoUrl());
      await openChat(page);
      await log(page).getByText('Tere! Kuidas saame aidata?', { exact: true }).waitFor();
      await dialog(page).getByRole('button', { name: 'Close chat' }).click();
      const colours = await launcher(page).evaluate((el) => {
        const s = getComputedStyle(el);
        return { background: s.backgroundColor, color: s.color };
      });
      assert.deepEqual(colours, { background: 'rgb(246, 224, 94)', color: 'rgb(17, 17, 17)' });
      await launcher(page).focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab'); // keyboard focus: the focus ring shows
      await screenshot(page, 'widget-light-colour-focused');
      assert.notEqual(await launcher(page).evaluate((el) => getComputedStyle(el).outlineStyle), 'none', 'a visible focus ring');
      await context.close();
    } finally {
      expectStatus(await patch(original), 200);
    }
  });

  it('Juttu.identify and Juttu.setAttributes reach the agent (needs identify/attributes on the server)', async () => {
    const { context, page } = await newVisitor();
    await page.goto(demoUrl());
    await launcher(page).waitFor();
    await page.evaluate(() => {
      window.Juttu.identify({ name: 'Maija Meikäläinen', email: 'maija@example.com' });
      window.Juttu.setAttributes({ cart_total: '59.90 EUR', plan: 'pro' });
    });
    const named = await inbox.next((f) => f.type === 'contact' && f.contact.name === 'Maija Meikäläinen', 3000);
    assert.equal(named.contact.email, 'maija@example.com');
    const withCart = await inbox.next((f) => f.type === 'contact' && f.contact.attributes && f.contact.attributes.cart_total === '59.90 EUR', 3000);
    assert.equal(withCart.contact.attributes.plan, 'pro');
    // The hello's context is kept with the contact.
    assert.equal(withCart.contact.attributes.language, 'en-US');
    assert.match(withCart.contact.attributes.screen, /^\d+x\d+$/);
    await context.close();
  });
});
