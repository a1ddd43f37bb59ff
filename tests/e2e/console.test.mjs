// The agent console in a real browser, used the way an agent uses it: elements are found by
// role and accessible name. Visitors are real WebSocket clients (the integration harness)
// with the Demo site's key and its allowed origin.
//
// The tests run in order and share one server, one browser page and its session: each
// continues from where the previous one left the console.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, connectWs, eventually, login, ADMIN_EMAIL, ADMIN_PASSWORD,
} from '../integration/lib/harness.mjs';
import { launchBrowser, screenshot, storySteps, recordNotifications } from './lib/browser.mjs';

const WAIT = 5000;
const TOKEN_KEY = 'juttu.console.token';

let server;
let ctx; // {admin, token, site, siteKey}
let browser;
let context;
let page;
const pageErrors = [];

// The first visitor and their conversation, used across tests.
let maija;
let maijaConversation;
let matti;
let mattiConversation;
const FIRST_MESSAGE = 'Hello, where is my order 1234?';
const TEAPOT_URL = () => `${server.origin}/demo/products/teapot`;
const FIREFOX_ON_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0';

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  // These tests watch chats arrive under Unassigned and move them by hand: with automatic
  // routing (the default) the logged-in console's agent would get each new chat at once.
  expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'manual' }), 200);
  expectStatus(await api(server, ctx.token, 'POST', '/canned-responses', {
    shortcut: 'shipping', title: 'Shipping times', body: 'We ship within 1–2 working days.',
  }), 201);
  browser = await launchBrowser();
  ({ context, page } = await newAgentPage());
});

after(async () => {
  if (browser) await browser.close();
});

async function newAgentPage(viewport = { width: 1280, height: 800 }) {
  const ctxt = await browser.newContext({ viewport, locale: 'en-US' });
  ctxt.setDefaultTimeout(WAIT);
  const p = await ctxt.newPage();
  p.on('pageerror', (error) => pageErrors.push(error.message));
  return { context: ctxt, page: p };
}

const consoleUrl = () => `${server.url}/console/`;
const field = (p, name) => p.getByRole('textbox', { name, exact: true });
const button = (p, name) => p.getByRole('button', { name, exact: true });
const conversationList = (p) => p.getByRole('list', { name: 'Conversations' });
const row = (p, text) => conversationList(p).getByRole('listitem').filter({ hasText: text });
const messageLog = (p) => p.getByRole('log', { name: 'Messages' });
const visitorPanel = (p) => p.getByRole('complementary', { name: 'Visitor' });
const messageBox = (p) => field(p, 'Message');

/** A visitor whose widget tells about its browser (hello `context` and the User-Agent header). */
async function visitorWithContext(label, context, userAgent) {
  const client = await connectWs(server, { origin: server.origin, headers: { 'User-Agent': userAgent }, label });
  client.send({ type: 'hello', role: 'visitor', site_key: ctx.siteKey, context });
  const welcome = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  assert.equal(welcome.type, 'welcome', `${label}: hello refused: ${JSON.stringify(welcome)}`);
  return client;
}

async function logIn(p, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await field(p, 'Email').fill(email);
  await p.getByLabel('Password', { exact: true }).fill(password);
  await button(p, 'Log in').click();
}

/** Waits until the locator matches nothing (a row that moved to another tab, say). */
async function gone(locator, what) {
  await eventually(async () => (await locator.count()) === 0, { timeoutMs: WAIT, what });
}

async function text(locator) {
  return (await locator.textContent()) ?? '';
}

async function showTab(p, name) {
  await p.getByRole('tab', { name, exact: true }).click();
  await eventually(async () => (await p.getByRole('tab', { name, exact: true }).getAttribute('aria-selected')) === 'true',
    { what: `tab ${name} selected` });
}

const step = storySteps();

describe('agent console', () => {
  step('logs in: a wrong password shows an error first', async () => {
    await page.goto(consoleUrl());
    await field(page, 'Email').waitFor();
    await screenshot(page, 'console-login');
    await logIn(page, ADMIN_EMAIL, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await text(alert), /Wrong email or password/);

    // The server cannot be reached: a different message.
    await page.route('**/api/v1/auth/login', (route) => route.abort('connectionrefused'));
    await logIn(page);
    await page.getByRole('alert').getByText("Can't reach the server", { exact: false }).waitFor();
    await page.unroute('**/api/v1/auth/login');

    await logIn(page);
    // The inbox opens on the chats routing gives me beside those nobody has.
    const first = page.getByRole('tab', { name: 'Mine & unassigned', exact: true });
    await first.waitFor();
    assert.equal(await first.getAttribute('aria-selected'), 'true');
    await showTab(page, 'Unassigned');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const token = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), TOKEN_KEY);
    assert.equal(typeof token, 'string', 'the session token is kept in localStorage');
  });

  step('sets my availability: Online after login, then Away, as the server sees it', async () => {
    const picker = page.getByRole('combobox', { name: 'Availability' });
    await picker.waitFor();
    const mine = async () => {
      const agents = expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200).items;
      return agents.find((a) => a.email === ADMIN_EMAIL).availability;
    };
    await eventually(async () => (await picker.inputValue()) === 'online', { what: 'picker shows Online' });
    assert.equal(await mine(), 'online');
    await picker.selectOption({ label: 'Away' });
    await eventually(async () => (await mine()) === 'away', { what: 'server sees Away' });
    await picker.selectOption({ label: 'Online' });
    await eventually(async () => (await mine()) === 'online', { what: 'server sees Online' });
  });

  step('shows a visitor message live in Unassigned with its preview and unread count', async () => {
    maija = await visitorWithContext('maija',
      { language: 'fi-FI', timezone: 'Europe/Helsinki', screen: '1440x900' }, FIREFOX_ON_MAC);
    maija.send({ type: 'page_view', url: TEAPOT_URL(), title: 'Blue teapot', referrer: 'https://search.example/?q=teapot' });
    const ack = await maija.sendMessage(FIRST_MESSAGE);
    maijaConversation = ack.conversation_id;

    const item = row(page, FIRST_MESSAGE);
    await item.waitFor();
    await eventually(async () => (await text(item)).includes('1 unread'), { what: 'unread count 1 in the row' });

    // A second message raises the count, live.
    await maija.sendMessage('Order number is 1234.');
    const updated = row(page, 'Order number is 1234.');
    await eventually(async () => (await text(updated)).includes('2 unread'), { what: 'unread count 2 in the row' });
  });

  step('opens the conversation: messages, read receipt to the visitor, the visitor panel', async () => {
    await row(page, 'Order number is 1234.').getByRole('button').click();
    await messageLog(page).getByText(FIRST_MESSAGE, { exact: true }).waitFor();
    await messageLog(page).getByText('Order number is 1234.', { exact: true }).waitFor();

    // Opening the conversation tells the visitor it was read, up to the last message.
    const read = await maija.next((f) => f.type === 'read' && f.reader.kind === 'agent', WAIT);
    assert.equal(read.seq, 2);
    await eventually(async () => !(await text(row(page, 'Order number is 1234.'))).includes('unread'),
      { what: 'unread count gone after reading' });

    // The visitor panel shows the page the visitor is on, live.
    const panel = visitorPanel(page);
    await panel.getByRole('link', { name: /Blue teapot/ }).first().waitFor();
    assert.match(await text(panel), /demo\/products\/teapot/);
    maija.send({ type: 'page_view', url: `${server.origin}/demo/cart`, title: 'Your cart', referrer: TEAPOT_URL() });
    await panel.getByText('Your cart').first().waitFor();
    assert.match(await text(panel), /search\.example/, 'the referrer from outside the shop');
  });

  step("the visitor panel shows the browser's device, language and local time", async () => {
    const panel = visitorPanel(page);
    await panel.getByText('macOS · Firefox').waitFor();
    await panel.getByText(/Finnish \(Finland\)/).waitFor();
    await panel.getByText('(Europe/Helsinki)').waitFor();
  }, { independent: true });

  step('replies: Enter sends, the visitor receives it, Sent then Seen', async () => {
    await messageBox(page).fill('Let me check that for you.');
    await messageBox(page).press('Enter');
    const frame = await maija.next((f) => f.type === 'message' && f.message.author.kind === 'agent', WAIT);
    assert.equal(frame.message.body, 'Let me check that for you.');
    assert.match(frame.message.client_id, /^c-[0-9a-z]{9}-/, 'time first: the idempotency index grows at its end');
    await messageLog(page).getByText('Let me check that for you.', { exact: true }).waitFor();
    assert.equal(await messageBox(page).inputValue(), '', 'the reply box is empty after sending');
    await messageLog(page).getByText('Sent', { exact: true }).waitFor();

    maija.send({ type: 'read', conversation_id: maijaConversation, seq: frame.message.seq });
    await messageLog(page).getByText('Seen', { exact: true }).waitFor();

    // Shift+Enter is a new line, the Send button sends.
    await messageBox(page).fill('Line one');
    await messageBox(page).press('Shift+Enter');
    await messageBox(page).press('End');
    await messageBox(page).pressSequentially('Line two');
    assert.equal(await messageBox(page).inputValue(), 'Line one\nLine two');
    await button(page, 'Send').click();
    const second = await maija.next((f) => f.type === 'message' && f.message.author.kind === 'agent', WAIT);
    assert.equal(second.message.body, 'Line one\nLine two');
  });

  step('inserts a saved reply by its /shortcut', async () => {
    await messageBox(page).fill('/shi');
    const list = page.getByRole('listbox', { name: 'Saved replies' });
    await list.getByRole('option', { name: /shipping/ }).waitFor();
    await messageBox(page).press('Enter');
    assert.equal(await messageBox(page).inputValue(), 'We ship within 1–2 working days.');
    assert.equal(await list.count(), 0, 'the list closes once a reply is inserted');
    // Nothing matches: no list, and Escape would not be needed.
    await messageBox(page).fill('/nothing-like-this');
    assert.equal(await page.getByRole('listbox', { name: 'Saved replies' }).count(), 0);
    await messageBox(page).fill('');
  });

  step('shows typing both ways', async () => {
    maija.send({ type: 'typing', active: true });
    await page.getByText('Visitor is typing…').waitFor();
    maija.send({ type: 'typing', active: false });
    await gone(page.getByText('Visitor is typing…'), 'typing indicator to go');

    const agentTyping = (f) => f.type === 'typing' && f.active === true && f.author.kind === 'agent';
    const before = maija.received(agentTyping).length;
    await messageBox(page).pressSequentially('Just a', { delay: 10 });
    await eventually(() => maija.received(agentTyping).length > before, { what: "the agent's typing at the visitor" });
    await messageBox(page).fill('');
  });

  step('moves the conversation with Assign to me, Close and Reopen', async () => {
    const item = () => row(page, 'Line one');
    await button(page, 'Assign to me').click();
    await gone(item(), 'the row to leave Unassigned');
    await showTab(page, 'Mine');
    await item().waitFor();

    await button(page, 'Close').click();
    await gone(item(), 'the closed conversation to leave Mine/Open');
    await page.getByLabel('Status', { exact: true }).selectOption('closed');
    await item().waitFor();
    await page.getByText('This conversation is closed. Reopen it to reply.').waitFor();
    assert.equal(await messageBox(page).count(), 0, 'no reply box on a closed conversation');

    await button(page, 'Reopen').click();
    await gone(item(), 'the reopened conversation to leave Closed');
    await page.getByLabel('Status', { exact: true }).selectOption('open');
    await item().waitFor();
    await messageBox(page).waitFor();

    const { body } = await api(server, ctx.token, 'GET', `/conversations/${maijaConversation}`);
    assert.equal(body.conversation.status, 'open');
    assert.equal(body.conversation.assignee_id, ctx.admin.agent.id);
  });

  step('keeps separate drafts for two open conversations, also across a reload', async () => {
    matti = await visitor(server, ctx.siteKey, { label: 'matti' });
    mattiConversation = (await matti.sendMessage('Do you ship to Tartu?')).conversation_id;
    await showTab(page, 'Unassigned');
    await row(page, 'Do you ship to Tartu?').getByRole('button').click();
    await messageLog(page).getByText('Do you ship to Tartu?', { exact: true }).waitFor();
    await messageBox(page).fill('Yes, we ship to');

    const openChats = page.getByRole('list', { name: 'Open conversations' });
    assert.equal(await openChats.getByRole('listitem').count(), 2);
    await openChats.getByRole('listitem').first().getByRole('button').first().click();
    await messageLog(page).getByText(FIRST_MESSAGE, { exact: true }).waitFor();
    assert.equal(await messageBox(page).inputValue(), '');
    await messageBox(page).fill('Your order left');

    await openChats.getByRole('listitem').nth(1).getByRole('button').first().click();
    await messageLog(page).getByText('Do you ship to Tartu?', { exact: true }).waitFor();
    assert.equal(await messageBox(page).inputValue(), 'Yes, we ship to');

    await page.reload();
    // The availability chosen before the reload is what the picker shows after it.
    await eventually(async () => (await page.getByRole('combobox', { name: 'Availability' }).inputValue()) === 'online',
      { what: 'availability restored after reload' });
    await messageLog(page).getByText('Do you ship to Tartu?', { exact: true }).waitFor();
    assert.equal(await messageBox(page).inputValue(), 'Yes, we ship to');
    await page.getByRole('list', { name: 'Open conversations' }).getByRole('listitem').first().getByRole('button').first().click();
    await messageLog(page).getByText(FIRST_MESSAGE, { exact: true }).waitFor();
    assert.equal(await messageBox(page).inputValue(), 'Your order left');
    await messageBox(page).fill('');
  });

  step('pages history back with Load earlier', async () => {
    const pekka = await visitor(server, ctx.siteKey, { label: 'pekka' });
    for (let i = 1; i <= 60; i++) await pekka.sendMessage(`Question number ${i}`);
    await showTab(page, 'Unassigned');
    await row(page, 'Question number 60').getByRole('button').click();
    const log = messageLog(page);
    await log.getByText('Question number 60', { exact: true }).waitFor();
    assert.equal(await log.getByText('Question number 1', { exact: true }).count(), 0, 'only the latest page at first');
    await button(page, 'Load earlier').click();
    await log.getByText('Question number 1', { exact: true }).waitFor();
    await gone(button(page, 'Load earlier'), 'the button once everything is loaded');
    await page.getByRole('list', { name: 'Open conversations' }).getByRole('listitem').first().getByRole('button').first().click();
  });

  step('shows who the visitor is when the page identifies them (contact event)', async () => {
    maija.send({ type: 'identify', name: 'Maija Meikäläinen', email: 'maija@example.com' });
    maija.send({ type: 'attributes', attributes: { cart_total: '59.90 EUR' } });
    const panel = visitorPanel(page);
    await panel.getByText('maija@example.com').waitFor();
    await panel.getByText('59.90 EUR').waitFor();
    await row(page, 'Maija Meikäläinen').first().waitFor();
    await screenshot(page, 'console-inbox');
  }, { independent: true });

  step('admin: creates a site and sees its embed snippet', async () => {
    // The list arrives only after the form is filled in: a late list must not replace it.
    let releaseList;
    const listHeld = new Promise((resolve) => { releaseList = resolve; });
    await page.route('**/api/v1/sites', async (route) => {
      if (route.request().method() === 'GET') await listHeld;
      await route.continue();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    await button(page, 'New site').click();
    await field(page, 'Name').fill('Teapot shop');
    await field(page, 'Origin 1').fill('https://teapots.example');
    await button(page, 'Add origin').click();
    await field(page, 'Origin 2').fill('https://www.teapots.example/');
    await page.getByLabel('Colour').fill('#aa3355');
    await field(page, 'Greeting').fill('Tea time? Ask us anything.');
    releaseList();
    await page.getByRole('navigation', { name: 'Sites' }).getByRole('button', { name: /Demo shop/ }).waitFor();
    await page.unroute('**/api/v1/sites');
    assert.equal(await field(page, 'Name').inputValue(), 'Teapot shop', 'the typed form survives the list loading');
    await button(page, 'Create site').click();

    const snippet = field(page, 'Embed code');
    await eventually(async () => (await snippet.inputValue()).includes('data-site='), { what: 'the embed snippet' });
    const { items } = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200);
    const created = items.find((s) => s.name === 'Teapot shop');
    assert.ok(created, 'the site exists on the server');
    assert.deepEqual(created.allowed_origins, ['https://teapots.example', 'https://www.teapots.example']);
    assert.equal(created.color, '#aa3355');
    assert.equal(created.greeting, 'Tea time? Ask us anything.');
    assert.ok((await snippet.inputValue()).includes(`data-site="${created.key}"`));
    const listed = page.getByRole('navigation', { name: 'Sites' }).getByRole('button', { name: /Teapot shop/ });
    await listed.waitFor();
    assert.equal(await listed.getAttribute('aria-current'), 'true', 'the new site is the selected one in the list');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await button(page, 'Copy').click();
    await page.getByText('Copied.').waitFor();
    await page.evaluate(() => document.getElementById('main').scrollTo(0, 0));
    await screenshot(page, 'console-admin-sites');
  });

  step('admin: creates an agent', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
    await field(page, 'Email').fill('liisa@example.com');
    await field(page, 'Name').fill('Liisa Tamm');
    await page.getByLabel('Password', { exact: true }).fill('liisa-password-1');
    await button(page, 'Add agent').click();
    await page.getByRole('row').filter({ hasText: 'liisa@example.com' }).waitFor();
    const session = await login(server.url, 'liisa@example.com', 'liisa-password-1');
    assert.equal(session.agent.role, 'agent');
    await screenshot(page, 'console-admin-agents');
  });

  step('admin: changes a role, disables and enables, resets a password, removes an agent', async () => {
    await field(page, 'Email').fill('kalle@example.com');
    await field(page, 'Name').fill('Kalle Kask');
    await page.getByLabel('Password', { exact: true }).fill('kalle-password-1');
    await button(page, 'Add agent').click();
    const kalleRow = page.getByRole('row').filter({ hasText: 'kalle@example.com' });
    await kalleRow.waitFor();
    const kalle = async () => (await api(server, ctx.token, 'GET', '/agents')).body.items.find((a) => a.email === 'kalle@example.com');

    await page.getByLabel('Role of Kalle Kask', { exact: true }).selectOption('admin');
    await eventually(async () => (await kalle()).role === 'admin', { what: 'Kalle to be an admin' });
    await kalleRow.getByRole('button', { name: 'Disable', exact: true }).click();
    await kalleRow.getByText('Disabled', { exact: true }).waitFor();
    assert.equal((await kalle()).disabled, true);
    await kalleRow.getByRole('button', { name: 'Enable', exact: true }).click();
    await kalleRow.getByText('Active', { exact: true }).waitFor();

    await kalleRow.getByRole('button', { name: 'Reset password', exact: true }).click();
    await page.getByLabel('New password for Kalle Kask', { exact: true }).fill('kalle-password-2');
    await button(page, 'Set password').click();
    await page.getByText('Password changed.').waitFor();
    await login(server.url, 'kalle@example.com', 'kalle-password-2');

    page.once('dialog', (dialog) => void dialog.accept());
    await kalleRow.getByRole('button', { name: 'Remove', exact: true }).click();
    await gone(kalleRow, "Kalle's row to go");
    assert.equal(await kalle(), undefined);
  });

  step('an agent (not admin) can pick any agent as assignee and sees author names', async () => {
    const liisa = await newAgentPage({ width: 1024, height: 768 });
    await liisa.page.goto(consoleUrl());
    await logIn(liisa.page, 'liisa@example.com', 'liisa-password-1');
    await showTab(liisa.page, 'All');
    await row(liisa.page, 'Line one').getByRole('button').click();
    await messageLog(liisa.page).getByText('Let me check that for you.', { exact: true }).waitFor();
    // The reply was written by the admin, named as such.
    const reply = messageLog(liisa.page).locator('.message', { hasText: 'Let me check that for you.' });
    assert.match(await text(reply), /Admin/);
    const picker = liisa.page.getByLabel('Assignee', { exact: true });
    const options = await picker.locator('option').allTextContents();
    assert.ok(options.some((o) => o.startsWith('Admin')), `Admin among the assignees: ${options}`);
    await screenshot(liisa.page, 'console-agent-1024');

    // The picker hands the conversation over: it is Liisa's now.
    await picker.selectOption({ label: 'Liisa Tamm (you)' });
    await showTab(liisa.page, 'Mine');
    await row(liisa.page, 'Line one').waitFor();
    const { body } = await api(server, ctx.token, 'GET', `/conversations/${maijaConversation}`);
    assert.notEqual(body.conversation.assignee_id, ctx.admin.agent.id);
    await liisa.context.close();
  }, { independent: true });

  step('notifies about new visitor messages, unless turned off; speaks Finnish when asked', async () => {
    const agentPage = await newAgentPage();
    await recordNotifications(agentPage.context);
    const p = agentPage.page;
    await p.goto(consoleUrl());
    await logIn(p);
    await p.getByRole('tab', { name: 'Unassigned', exact: true }).waitFor();
    // Live events need the console's socket: the picker shows the server's answer to hello.
    await eventually(async () => (await p.getByRole('combobox', { name: 'Availability' }).inputValue()) === 'online',
      { what: 'the console is connected' });
    const shown = () => p.evaluate(() => window.shownNotifications);

    const olli = await visitor(server, ctx.siteKey, { label: 'olli' });
    await olli.sendMessage('Is the blue teapot in stock?');
    await row(p, 'Is the blue teapot in stock?').waitFor();
    await eventually(async () => (await shown()).some((n) => n.body === 'Is the blue teapot in stock?'),
      { what: 'a desktop notification for the visitor message' });

    const nav = p.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Settings' }).click();
    await p.getByRole('checkbox', { name: 'Desktop notifications' }).uncheck();
    await p.getByRole('checkbox', { name: 'Sound for new messages' }).uncheck();
    const count = (await shown()).length;
    await olli.sendMessage('Hello?');
    await nav.getByRole('link', { name: 'Inbox' }).click();
    await row(p, 'Hello?').waitFor();
    assert.equal((await shown()).length, count, 'no notification once turned off');
    const saved = await p.evaluate(() => JSON.parse(localStorage.getItem('juttu.console.settings')));
    assert.equal(saved.desktopNotifications, false);
    assert.equal(saved.sound, false);

    await nav.getByRole('link', { name: 'Settings' }).click();
    await p.getByLabel('Language', { exact: true }).selectOption('fi');
    await p.getByRole('navigation', { name: 'Päävalikko' }).getByRole('link', { name: 'Saapuneet' }).waitFor();
    await button(p, 'Kirjaudu ulos').waitFor();
    // <html lang> follows in an effect after the render, so wait for it.
    await eventually(async () => (await p.evaluate(() => document.documentElement.lang)) === 'fi',
      { what: '<html lang="fi">' });
    // The Finnish names are long: every link shows at 1280 px, none scrolled out of sight.
    await eventually(async () => p.evaluate(() => {
      const menu = document.querySelector('nav.topnav');
      return menu.scrollWidth <= menu.clientWidth;
    }), { what: 'the Finnish links all in view' });
    const settingsLink = await p.getByRole('link', { name: 'Asetukset', exact: true }).boundingBox();
    assert.ok(settingsLink && settingsLink.x + settingsLink.width <= 1280, 'Asetukset is on the screen');
    await p.getByLabel('Kieli', { exact: true }).selectOption('en');
    await nav.getByRole('link', { name: 'Inbox' }).waitFor();
    await agentPage.context.close();
  });

  step('logging out returns to the login form', async () => {
    await button(page, 'Log out').click();
    await button(page, 'Log in').waitFor();
    await field(page, 'Email').waitFor();
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY), null);
  });

  step('a session revoked elsewhere sends the console back to the login form', async () => {
    await logIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('tab', { name: 'Unassigned', exact: true }).waitFor();
    const token = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), TOKEN_KEY);
    expectStatus(await api(server, token, 'POST', '/auth/logout'), 204);
    await page.getByText('Your session ended').waitFor();
    await button(page, 'Log in').waitFor();
  });

  step('reconnects after the socket drops: banner, missed messages, unacknowledged sends retried', async () => {
    const agentPage = await newAgentPage();
    const sockets = [];
    let holdReconnects = false;
    await agentPage.context.routeWebSocket(/\/ws$/, (ws) => {
      sockets.push(ws);
      // While held, the "server" refuses every new socket: the console keeps backing off.
      if (holdReconnects) ws.close({ code: 1013, reason: 'held by the test' });
      else ws.connectToServer();
    });
    const p = agentPage.page;
    await p.goto(consoleUrl());
    await logIn(p);
    await showTab(p, 'All');
    await row(p, 'Do you ship to Tartu?').getByRole('button').click();
    await messageLog(p).getByText('Do you ship to Tartu?', { exact: true }).waitFor();
    assert.equal(sockets.length, 1);

    holdReconnects = true;
    await sockets[0].close({ code: 1012, reason: 'dropped by the test' });
    await p.getByText('Reconnecting…').waitFor();
    // Missed while offline: a message in the open conversation and a new conversation.
    await matti.sendMessage('Hello? Anyone there?');
    const other = await visitor(server, ctx.siteKey, { label: 'matti2' });
    await other.sendMessage('Are you still there?');
    // Written while offline: stays "Sending…" and goes out after the reconnect.
    await messageBox(p).fill('Yes, to all of Estonia.');
    await messageBox(p).press('Enter');
    await messageLog(p).getByText('Sending…').waitFor();

    holdReconnects = false;
    await gone(p.getByText('Reconnecting…'), 'the banner to go after the reconnect');
    await messageLog(p).getByText('Hello? Anyone there?', { exact: true }).waitFor();
    await row(p, 'Are you still there?').waitFor();
    const reply = await matti.next((f) => f.type === 'message' && f.message.author.kind === 'agent', WAIT);
    assert.equal(reply.message.body, 'Yes, to all of Estonia.');
    await gone(messageLog(p).getByText('Sending…'), 'the pending state to clear');
    const { body } = await api(server, ctx.token, 'GET', `/conversations/${mattiConversation}/messages`);
    assert.equal(body.items.filter((m) => m.body === 'Yes, to all of Estonia.').length, 1, 'stored once');
    await agentPage.context.close();
  });

  it('had no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
