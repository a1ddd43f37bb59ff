// The widget when nobody can chat, before a chat and while waiting: the offline form
// (no agent online, or outside the site's opening hours), the pre-chat form (name, topic
// = team, the site's own question) and the visitor's place in the queue. Used the way a
// visitor uses it, in a real browser; agents are real WebSocket connections.
//
// The tests run in order on one server: the first needs a workspace where no agent has
// ever been online.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus, eventually } from '../integration/lib/harness.mjs';
import { launchBrowser, screenshot } from './lib/browser.mjs';
import {
  dialog, log, messageBox, bubble, messageItem, openChat, sendFromWidget, receivedBy, loseFirstAck, setPageLanguage,
} from './lib/widget.mjs';
import { onlineAgent, closeAllConversations, waitAvailability } from './lib/agent.mjs';

const WAIT = 8000;
// A change of opening hours reaches connected visitors when the server next checks the
// hours (every few seconds), not at once.
const HOURS_WAIT = 15000;
const TIME_ZONE = 'Europe/Helsinki'; // the visitor's; the site's hours are in UTC

let server;
let ctx; // {admin, token, site, siteKey}
let browser;
let anna; // an online agent, from the second test on

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

/**
 * A visitor's page, recording the frames its widget sends and receives. With `lang`, the
 * demo page's <html lang> is changed to it before the widget loads.
 */
async function newVisitor({ lang } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: TIME_ZONE });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  if (lang) await setPageLanguage(page, lang);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  const sent = [];
  const received = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (frame) => sent.push(JSON.parse(frame.payload)));
    ws.on('framereceived', (frame) => received.push(JSON.parse(frame.payload)));
  });
  return { context, page, sent, received };
}

const demoUrl = () => `${server.url}/demo/?site=${ctx.siteKey}`;
const patchSite = async (body) => expectStatus(await api(server.url, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, body), 200);
const offlineForm = (page) => dialog(page).getByRole('form', { name: 'Leave a message' });
const prechatForm = (page) => dialog(page).getByRole('form', { name: 'Start chat' });
const composerSend = (page) => dialog(page).getByRole('button', { name: 'Send', exact: true });
const queueText = (page) => dialog(page).getByRole('status').filter({ hasText: 'in the queue' });

/** The control's error text, through aria-describedby (null when it has none). */
async function errorOf(control) {
  return control.evaluate((el) => {
    const id = el.getAttribute('aria-describedby');
    const error = id && el.getRootNode().getElementById(id);
    return el.getAttribute('aria-invalid') === 'true' && error ? error.textContent : null;
  });
}

const isFocused = (locator) => locator.evaluate((el) => el.getRootNode().activeElement === el);

/** Weekly hours in UTC that open two hours from now for one hour, every day: closed now. */
function closedNowHours() {
  const now = new Date();
  const hour = (now.getUTCHours() + 2) % 24;
  const pad = (n) => String(n).padStart(2, '0');
  const interval = { open: `${pad(hour)}:00`, close: hour === 23 ? '24:00' : `${pad(hour + 1)}:00` };
  let opening = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour);
  if (opening <= now.getTime()) opening += 24 * 3600 * 1000;
  return {
    hours: { time_zone: 'UTC', always_open: false, weekly: Array.from({ length: 7 }, () => [interval]), exceptions: [] },
    opening,
  };
}

/** What the English widget says about `opening` in the visitor's time zone. */
function opensAgainText(opening) {
  const dayOf = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(ms); // YYYY-MM-DD
  const days = Math.round((Date.parse(dayOf(opening)) - Date.parse(dayOf(Date.now()))) / 86400000);
  const time = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: TIME_ZONE }).format(opening);
  return `We open again ${['today', 'tomorrow'][days]} at ${time}.`;
}

describe('widget: offline form, pre-chat form and queue', () => {
  it('no agent online: the visitor leaves a message with the offline form; it reaches the inbox', async () => {
    const { context, page, sent, received } = await newVisitor();
    await page.goto(demoUrl());
    await openChat(page);
    const form = offlineForm(page);
    await form.getByText("We're away right now. Leave a message and we'll reply by email.", { exact: true }).waitFor();
    const welcome = received.find((f) => f.type === 'welcome');
    assert.deepEqual(welcome.availability && welcome.availability.online, false, `welcome: ${JSON.stringify(welcome)}`);
    assert.equal(welcome.availability.reason, 'no_agents');
    assert.equal(await form.getByText(/We open again/).count(), 0, 'no opening time when nobody is online');
    assert.equal(await composerSend(page).count(), 0, 'no chat composer');
    const name = form.getByRole('textbox', { name: 'Name' });
    const email = form.getByRole('textbox', { name: 'Email' });
    const message = form.getByRole('textbox', { name: 'Message' });
    await eventually(() => isFocused(name), { what: 'focus on the first field' });
    await screenshot(page, 'widget-offline-form');

    // Empty, then a wrong address: clear errors tied to the fields.
    await form.getByRole('button', { name: 'Send message' }).click();
    assert.equal(await errorOf(email), 'Please enter your email address.');
    assert.equal(await errorOf(message), 'Please fill in this field.');
    assert.equal(await errorOf(name), null, 'the name is optional');
    assert.ok(await isFocused(email), 'focus on the first field with an error');
    await email.fill('maija@example');
    assert.equal(await errorOf(email), null, 'typing clears the error');
    await form.getByRole('button', { name: 'Send message' }).click();
    assert.equal(await errorOf(email), 'Please enter a valid email address, like name@example.com.');
    await form.getByText('Please enter a valid email address, like name@example.com.').waitFor();
    await screenshot(page, 'widget-offline-form-errors');
    assert.equal(sent.filter((f) => f.type === 'leave_message').length, 0, 'nothing sent while invalid');

    // Sent while the network is down: kept in the outbox and sent after reconnecting.
    await name.fill('Maija Meikäläinen');
    await email.fill('maija@example.com');
    const body = 'Do you ship to Tallinn?';
    await message.fill(body);
    await context.setOffline(true);
    await dialog(page).getByText('Reconnecting…').waitFor();
    await form.getByRole('button', { name: 'Send message' }).click();
    await form.waitFor({ state: 'hidden' });
    await messageItem(page, body).getByText('Sending…').waitFor();
    await context.setOffline(false);
    await dialog(page).getByText("Thanks! We'll reply to you at maija@example.com.", { exact: true }).waitFor();
    await messageItem(page, body).getByText('Sent').waitFor();
    assert.equal(await bubble(page, body).count(), 1);
    const leaves = sent.filter((f) => f.type === 'leave_message');
    assert.ok(leaves.length >= 1);
    assert.ok(leaves.every((f) => f.client_id === leaves[0].client_id), 'one client_id');
    assert.deepEqual({ ...leaves[0], client_id: undefined },
      { type: 'leave_message', client_id: undefined, name: 'Maija Meikäläinen', email: 'maija@example.com', body });
    await screenshot(page, 'widget-offline-sent');

    // In the inbox as an offline conversation of the contact, with the message.
    const list = expectStatus(await api(server.url, ctx.token, 'GET', '/conversations?channel=offline'), 200);
    const conversation = list.items.find((c) => c.contact && c.contact.email === 'maija@example.com');
    assert.ok(conversation, `offline conversations: ${JSON.stringify(list.items)}`);
    assert.equal(conversation.channel, 'offline');
    assert.equal(conversation.contact.name, 'Maija Meikäläinen');
    assert.equal(conversation.last_message_preview, body);
    const messages = expectStatus(await api(server.url, ctx.token, 'GET', `/conversations/${conversation.id}/messages?after_seq=0`), 200);
    assert.deepEqual(messages.items.map((m) => [m.body, m.author.kind, m.client_id]), [[body, 'visitor', leaves[0].client_id]]);
    await context.close();
  });

  it('the ack of a left message is lost with the connection: resent with the same client_id, stored once', async () => {
    const { context, page } = await newVisitor();
    const proxy = await loseFirstAck(page);
    await page.goto(demoUrl());
    await openChat(page);
    const form = offlineForm(page);
    await form.getByRole('textbox', { name: 'Email' }).fill('lost.ack@example.com');
    const body = 'Is the linen towel 50 × 70 cm?';
    await form.getByRole('textbox', { name: 'Message' }).fill(body);
    await form.getByRole('button', { name: 'Send message' }).click();
    await dialog(page).getByText("Thanks! We'll reply to you at lost.ack@example.com.", { exact: true }).waitFor();
    await messageItem(page, body).getByText('Sent').waitFor();
    assert.ok(proxy.ackLost, 'the first ack was lost');
    const leaves = proxy.sent.filter((f) => f.type === 'leave_message');
    assert.ok(leaves.length >= 2, `resent after reconnecting: ${JSON.stringify(leaves)}`);
    assert.ok(leaves.every((f) => f.client_id === leaves[0].client_id), 'the retry keeps its client_id');
    const list = expectStatus(await api(server.url, ctx.token, 'GET', '/conversations?channel=offline'), 200);
    const conversation = list.items.find((c) => c.contact && c.contact.email === 'lost.ack@example.com');
    assert.ok(conversation, JSON.stringify(list.items));
    const messages = expectStatus(await api(server.url, ctx.token, 'GET', `/conversations/${conversation.id}/messages?after_seq=0`), 200);
    assert.deepEqual(messages.items.map((m) => m.body), [body], 'stored once');

    // Later, still with nobody online: the visitor's open conversation is shown, with the
    // composer to add to it, rather than the form again.
    await page.reload();
    await openChat(page);
    await bubble(page, body).waitFor();
    await composerSend(page).waitFor();
    assert.equal(await offlineForm(page).isVisible(), false);
    assert.equal(await bubble(page, body).count(), 1);
    await context.close();
  });

  it('the offline form speaks the page\'s language (Finnish, Estonian, Swedish)', async () => {
    const texts = {
      fi: ['Jätä viesti', 'Emme ole nyt paikalla. Jätä viesti, niin vastaamme sähköpostitse.', 'Nimi', 'Sähköposti', 'Viesti', 'Lähetä viesti',
        'Kirjoita sähköpostiosoitteesi.', 'Avaa chat'],
      et: ['Jäta sõnum', 'Me ei ole praegu kohal. Jäta sõnum ja vastame e-posti teel.', 'Nimi', 'E-post', 'Sõnum', 'Saada sõnum',
        'Sisesta oma e-posti aadress.', 'Ava vestlus'],
      sv: ['Lämna ett meddelande', 'Vi är inte här just nu. Lämna ett meddelande så svarar vi via e-post.', 'Namn', 'E-post', 'Meddelande',
        'Skicka meddelande', 'Fyll i din e-postadress.', 'Öppna chatt'],
    };
    for (const [lang, [title, away, name, email, message, send, emailMissing, open]] of Object.entries(texts)) {
      const { context, page } = await newVisitor({ lang });
      await page.goto(demoUrl());
      await page.getByRole('button', { name: open }).click();
      const form = dialog(page).getByRole('form', { name: title });
      await form.getByText(away, { exact: true }).waitFor();
      await form.getByRole('textbox', { name, exact: true }).waitFor();
      await form.getByRole('textbox', { name: message, exact: true }).waitFor();
      const emailBox = form.getByRole('textbox', { name: email, exact: true });
      await form.getByRole('button', { name: send }).click();
      assert.equal(await errorOf(emailBox), emailMissing, lang);
      if (lang === 'fi') await screenshot(page, 'widget-offline-form-fi');
      await context.close();
    }
  });

  it('outside opening hours the offline form says when the site opens, even with an agent online; hours changes show live', async () => {
    anna = await onlineAgent(server, ctx.token, { name: 'Anna Virtanen', capacity: 10 });
    const { hours, opening } = closedNowHours();
    // Open, then closed and open again while the visitor's page is open.
    const live = await newVisitor();
    await live.page.goto(demoUrl());
    await openChat(live.page);
    await composerSend(live.page).waitFor();
    assert.equal(await offlineForm(live.page).count(), 0);
    await patchSite({ hours });
    try {
      await offlineForm(live.page).getByText(opensAgainText(opening), { exact: true }).waitFor({ timeout: HOURS_WAIT });
      await composerSend(live.page).waitFor({ state: 'hidden' });
      const status = live.received.find((f) => f.type === 'site_status' && f.online === false);
      assert.deepEqual(status, { type: 'site_status', online: false, reason: 'outside_hours', next_opening_at: opening });

      // A page opened while closed learns it from the welcome.
      const { context, page, received } = await newVisitor();
      await page.goto(demoUrl());
      await openChat(page);
      const form = offlineForm(page);
      await form.getByText("We're away right now. Leave a message and we'll reply by email.", { exact: true }).waitFor();
      await form.getByText(opensAgainText(opening), { exact: true }).waitFor();
      const welcome = received.find((f) => f.type === 'welcome');
      assert.deepEqual(welcome.availability, { online: false, reason: 'outside_hours', next_opening_at: opening });
      await screenshot(page, 'widget-offline-hours');
      await context.close();
    } finally {
      await patchSite({ hours: { time_zone: 'UTC', always_open: true, weekly: [[], [], [], [], [], [], []], exceptions: [] } });
    }
    await composerSend(live.page).waitFor({ timeout: HOURS_WAIT });
    await offlineForm(live.page).waitFor({ state: 'hidden' });
    await sendFromWidget(live.page, 'Open again, hello');
    await receivedBy(anna.socket, 'Open again, hello', WAIT);
    await live.context.close();
  });

  it('the pre-chat form asks the name (required), a topic (team) and the site\'s question before the first message', async () => {
    const team = (name) => api(server.url, ctx.token, 'POST', '/teams', { name, agent_ids: [anna.agent.id] });
    const sales = expectStatus(await team('Sales'), 201);
    const support = expectStatus(await team('Support'), 201);
    await patchSite({
      prechat: { enabled: true, name: 'required', email: 'optional', team: 'required', question: { label: 'Order number', required: false } },
    });
    try {
      const { context, page, sent, received } = await newVisitor();
      await page.goto(demoUrl());
      // What the shop's page already told about its visitor fills the form in advance.
      await page.waitForFunction(() => window.Juttu && window.Juttu.loaded);
      await page.evaluate(() => window.Juttu.identify({ email: 'pekka@example.com' }));
      await openChat(page);
      const form = prechatForm(page);
      await form.waitFor();
      const welcome = received.find((f) => f.type === 'welcome');
      assert.deepEqual(welcome.teams.map((t) => t.name), ['Sales', 'Support']);
      assert.equal(await composerSend(page).count(), 0, 'no composer before the form is filled in');
      const name = form.getByRole('textbox', { name: 'Name' });
      const email = form.getByRole('textbox', { name: 'Email' });
      const topic = form.getByRole('combobox', { name: 'Topic' });
      const order = form.getByRole('textbox', { name: 'Order number' });
      assert.deepEqual(await topic.locator('option').allTextContents(), ['Choose…', 'Sales', 'Support']);
      assert.equal(await email.inputValue(), 'pekka@example.com', 'known from Juttu.identify');
      assert.equal(await name.inputValue(), '');
      await screenshot(page, 'widget-prechat-form');

      await form.getByRole('button', { name: 'Start chat' }).click();
      assert.equal(await errorOf(name), 'Please fill in this field.');
      assert.equal(await errorOf(topic), 'Please choose a topic.');
      assert.equal(await errorOf(email), null, 'the email is optional');
      assert.equal(await errorOf(order), null, 'the question is optional');
      assert.ok(await isFocused(name));
      await email.fill('not an address');
      await form.getByRole('button', { name: 'Start chat' }).click();
      assert.equal(await errorOf(email), 'Please enter a valid email address, like name@example.com.');

      await name.fill('Pekka Puupää');
      await email.fill('');
      await topic.selectOption({ label: 'Support' });
      await order.fill('10045');
      await form.getByRole('button', { name: 'Start chat' }).click();
      await form.waitFor({ state: 'hidden' });
      await composerSend(page).waitFor();
      assert.ok(await isFocused(messageBox(page)), 'focus in the message box');
      await sendFromWidget(page, 'Where is my order?');
      const question = await receivedBy(anna.socket, 'Where is my order?', WAIT);

      const first = sent.find((f) => f.type === 'send');
      assert.equal(first.team_id, support.id, `the first send: ${JSON.stringify(first)}`);
      const order1 = sent.findIndex((f) => f.type === 'identify' && f.name);
      assert.ok(order1 >= 0 && order1 < sent.indexOf(first), 'identify before the first message');
      assert.deepEqual(sent[order1], { type: 'identify', name: 'Pekka Puupää' });
      assert.deepEqual(sent.find((f) => f.type === 'attributes'), { type: 'attributes', attributes: { 'Order number': '10045' } });

      const detail = expectStatus(await api(server.url, ctx.token, 'GET', `/conversations/${question.conversation_id}`), 200);
      assert.equal(detail.conversation.team_id, support.id);
      assert.notEqual(detail.conversation.team_id, sales.id);
      assert.equal(detail.contact.name, 'Pekka Puupää');
      assert.equal(detail.contact.attributes['Order number'], '10045');

      // Once the conversation exists the form is not asked again, and later messages carry no team.
      await sendFromWidget(page, 'It was ordered last week.');
      await receivedBy(anna.socket, 'It was ordered last week.', WAIT);
      assert.equal(sent.filter((f) => f.type === 'send' && f.team_id !== undefined).length, 1);
      await page.reload();
      await openChat(page);
      await bubble(page, 'It was ordered last week.').waitFor();
      await composerSend(page).waitFor();
      assert.equal(await prechatForm(page).isVisible(), false);
      await screenshot(page, 'widget-prechat-chat');
      await context.close();
    } finally {
      await patchSite({ prechat: { enabled: false, name: 'off', email: 'off', team: 'off', question: { label: '', required: false } } });
    }
  });

  it('a visitor waiting for an agent sees their place in the queue, until an agent takes the chat', async () => {
    await closeAllConversations(server, ctx.token);
    expectStatus(await api(server.url, ctx.token, 'PATCH', `/agents/${anna.agent.id}`, { capacity: 1 }), 200);
    await waitAvailability(server, ctx.token, anna.agent.id, 'online');

    const one = await newVisitor();
    await one.page.goto(demoUrl());
    await openChat(one.page);
    await sendFromWidget(one.page, 'I was here first');
    const first = await receivedBy(anna.socket, 'I was here first', WAIT);
    await eventually(async () => {
      const detail = expectStatus(await api(server.url, ctx.token, 'GET', `/conversations/${first.conversation_id}`), 200);
      return detail.conversation.assignee_id === anna.agent.id;
    }, { timeoutMs: WAIT, what: 'the first chat assigned to Anna' });

    const two = await newVisitor();
    await two.page.goto(demoUrl());
    await openChat(two.page);
    await sendFromWidget(two.page, 'Am I next?');
    await receivedBy(anna.socket, 'Am I next?', WAIT);
    const text = queueText(two.page);
    await text.getByText(/^You are number 1 in the queue\.( Estimated wait: about \d+ min\.)?$/).waitFor();
    const place = two.received.find((f) => f.type === 'queue' || (f.type === 'welcome' && f.queue));
    assert.ok(place, 'a queue frame');
    assert.equal(await queueText(one.page).count(), 0, 'the first visitor is not queued');
    await screenshot(two.page, 'widget-queue');

    // A reload shows the place from the welcome.
    await two.page.reload();
    await openChat(two.page);
    await queueText(two.page).getByText(/^You are number 1 in the queue\./).waitFor();

    expectStatus(await api(server.url, ctx.token, 'POST', `/conversations/${first.conversation_id}/close`), 200);
    await queueText(two.page).waitFor({ state: 'detached' });
    const taken = two.received.find((f) => f.type === 'queue' && f.position === 0);
    assert.ok(taken, `position 0 announced: ${JSON.stringify(two.received.filter((f) => f.type === 'queue'))}`);
    assert.equal(await log(two.page).getByText('Am I next?').count(), 1);
    await one.context.close();
    await two.context.close();
  });
});
