// The agent console's part of routing, queue, teams, notes and offline, in a real browser:
// controls are found by role and accessible name, as a person finds them. Visitors are
// WebSocket clients (the integration harness) with the Demo site's key and origin.
//
// The steps run in order on one server and one admin page, each continuing from where the
// previous one left the console.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, createAgent, eventually, uid, ADMIN_EMAIL, ADMIN_PASSWORD,
} from '../integration/lib/harness.mjs';
import { launchBrowser, screenshot, storySteps, recordNotifications } from './lib/browser.mjs';

const WAIT = 5000;

let server;
let ctx; // {admin, token, site, siteKey}
let liisa; // {agent, token}: a second agent, team member and transfer target
let browser;
let page;
const pageErrors = [];

let teamId;
let maija; // the visitor whose chat is queued, taken, noted and transferred
let maijaConversation;
const QUESTION = 'Hello, I need help with order 5512.';
const NOTE = 'Customer is a reseller, check the discount.';
const LIVE_NOTE = 'Liisa: I know this customer.';
const TRANSFER_NOTE = 'Over to you, Liisa: the discount question.';

before(async () => {
  // Visitors who leave before any answer are marked missed after a second, not two minutes.
  server = await startServer({ env: { JUTTU_VISITOR_LEAVE_GRACE: '1' } });
  ctx = await demo(server);
  liisa = await createAgent(server.url, ctx.token, { name: 'Liisa Tamm', email: 'liisa@example.com' });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(WAIT);
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  if (browser) await browser.close();
});

const consoleUrl = () => `${server.url}/console/`;
const field = (p, name) => p.getByRole('textbox', { name, exact: true });
const button = (p, name) => p.getByRole('button', { name, exact: true });
const nav = (p, name) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const messageLog = (p) => p.getByRole('log', { name: 'Messages' });
const queueList = (p) => p.getByRole('list', { name: 'Waiting chats' });
const conversationList = (p) => p.getByRole('list', { name: 'Conversations' });
const sidePanel = (p) => p.getByRole('complementary', { name: 'Visitor' });
const notes = (p) => messageLog(p).getByRole('note');

async function text(locator) {
  return (await locator.textContent()) ?? '';
}

async function gone(locator, what) {
  await eventually(async () => (await locator.count()) === 0, { timeoutMs: WAIT, what });
}

async function showTab(p, name) {
  await p.getByRole('tab', { name, exact: true }).click();
  await eventually(async () => (await p.getByRole('tab', { name, exact: true }).getAttribute('aria-selected')) === 'true',
    { what: `tab ${name} selected` });
}

/** The value of a fact (<dd>) in the side panel, by its term (<dt>). */
async function fact(p, term) {
  return sidePanel(p).locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').textContent();
}

async function site() {
  const { items } = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200);
  return items.find((s) => s.id === ctx.site.id);
}

async function conversation(id) {
  return expectStatus(await api(server, ctx.token, 'GET', `/conversations/${id}`), 200).conversation;
}

/** Nothing the visitor's socket received mentions `body`, and their history has no such message. */
async function assertVisitorNeverSaw(client, conversationId, body) {
  assert.ok(!JSON.stringify(client.frames).includes(body), `the visitor's socket received "${body}"`);
  client.send({ type: 'sync', conversation_id: conversationId, after_seq: 0, limit: 500 });
  const history = await client.next((f) => f.type === 'history' && f.conversation_id === conversationId, WAIT);
  assert.ok(history.messages.length > 0, 'the history has the messages');
  assert.ok(!JSON.stringify(history).includes(body), `the visitor's history has "${body}"`);
  const { items } = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conversationId}/messages`), 200);
  assert.ok(!items.some((m) => m.body.includes(body)), 'a note is not a message');
}

const step = storySteps();

describe('console: routing, queue, teams, notes and offline', () => {
  step('logs in and is online', async () => {
    await page.goto(consoleUrl());
    await field(page, 'Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await button(page, 'Log in').click();
    await page.getByRole('tab', { name: 'Queue', exact: true }).waitFor();
    await eventually(async () => (await page.getByRole('combobox', { name: 'Availability' }).inputValue()) === 'online',
      { what: 'the console is connected' });
  });

  step('admin: creates a team with a member, renames it', async () => {
    await nav(page, 'Teams').click();
    await page.getByRole('heading', { name: 'Teams', level: 1 }).waitFor();
    await page.getByText('No teams yet.').waitFor();
    await field(page, 'Team name').fill('Support');
    await page.getByRole('checkbox', { name: 'Liisa Tamm', exact: true }).check();
    await button(page, 'Create team').click();
    await page.getByRole('navigation', { name: 'Teams' }).getByRole('button', { name: /Support/ }).waitFor();

    const teams = async () => expectStatus(await api(server, ctx.token, 'GET', '/teams'), 200).items;
    const created = (await teams()).find((x) => x.name === 'Support');
    assert.ok(created, 'the team exists on the server');
    assert.deepEqual(created.agent_ids, [liisa.agent.id]);
    teamId = created.id;

    // Renamed, and the admin joins it too.
    await field(page, 'Team name').fill('Customer support');
    await page.getByRole('checkbox', { name: ctx.admin.agent.name, exact: true }).check();
    await button(page, 'Save').click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    const renamed = (await teams()).find((x) => x.id === teamId);
    assert.equal(renamed.name, 'Customer support');
    assert.deepEqual([...renamed.agent_ids].sort(), [ctx.admin.agent.id, liisa.agent.id].sort());
    await screenshot(page, 'console-admin-teams');
  });

  step('admin: deletes a team after confirming', async () => {
    await button(page, 'New team').click();
    await field(page, 'Team name').fill('Temporary');
    await button(page, 'Create team').click();
    const item = page.getByRole('navigation', { name: 'Teams' }).getByRole('button', { name: /Temporary/ });
    await item.waitFor();
    page.once('dialog', (dialog) => void dialog.dismiss());
    await button(page, 'Delete team').click();
    await item.waitFor(); // dismissed: still there
    page.once('dialog', (dialog) => void dialog.accept());
    await button(page, 'Delete team').click();
    await gone(item, 'the deleted team');
    const { items } = expectStatus(await api(server, ctx.token, 'GET', '/teams'), 200);
    assert.deepEqual(items.map((x) => x.name), ['Customer support']);
  });

  step("admin: sets an agent's languages and capacity, sees their teams and availability", async () => {
    await nav(page, 'Agents').click();
    const row = page.getByRole('row').filter({ hasText: 'liisa@example.com' });
    await row.waitFor();
    await row.getByText('Customer support').waitFor();
    const languages = page.getByRole('textbox', { name: 'Languages of Liisa Tamm', exact: true });
    await languages.fill('fi, et  en-GB');
    await languages.press('Enter');
    const liisaNow = async () => expectStatus(await api(server, ctx.token, 'GET', `/agents/${liisa.agent.id}`), 200);
    await eventually(async () => JSON.stringify((await liisaNow()).languages) === '["fi","et","en-GB"]',
      { what: "Liisa's languages saved" });
    // At most two chats at once; she is offline (no console yet), the admin online.
    const capacity = page.getByRole('spinbutton', { name: 'Max chats for Liisa Tamm', exact: true });
    await capacity.fill('2');
    await capacity.press('Enter');
    await eventually(async () => (await liisaNow()).capacity === 2, { what: "Liisa's capacity saved" });
    await row.getByText('Offline', { exact: true }).waitFor();
    await page.getByRole('row').filter({ hasText: ADMIN_EMAIL }).getByText('Online', { exact: true }).waitFor();
    await page.reload();
    await eventually(async () => (await page.getByRole('textbox', { name: 'Languages of Liisa Tamm' }).inputValue()) === 'fi, et, en-GB',
      { what: 'the languages shown after a reload' });
    assert.equal(await page.getByRole('spinbutton', { name: 'Max chats for Liisa Tamm' }).inputValue(), '2');
  });

  step('admin: sets routing, business hours and the pre-chat form of a site; they stay after a reload', async () => {
    await nav(page, 'Sites').click();
    await page.getByRole('heading', { name: 'Edit Demo shop' }).waitFor();
    await page.getByLabel('Routing', { exact: true }).selectOption({ label: 'Manual' });

    const zone = page.getByLabel('Time zone', { exact: true });
    await zone.fill('Europe/Tallinn');
    const always = page.getByRole('checkbox', { name: 'Always open' });
    await always.uncheck();
    // Weekdays start at office hours; Monday opens earlier, Friday gets an evening slot, no Sunday.
    await field(page, 'Monday, hours 1: opens').fill('08:00');
    await button(page, 'Add hours for Friday').click();
    await field(page, 'Friday, hours 2: opens').fill('18:00');
    await field(page, 'Friday, hours 2: closes').fill('20:00');
    await button(page, 'Add hours for Saturday').click();
    await button(page, 'Remove Saturday hours 1').click();
    await button(page, 'Add exception').click();
    await page.getByLabel('Date of exception 1').fill('2026-12-24');
    assert.equal(await page.getByRole('checkbox', { name: 'Exception 1: closed all day' }).isChecked(), true);
    await button(page, 'Add exception').click();
    await page.getByLabel('Date of exception 2').fill('2026-12-27');
    await page.getByRole('checkbox', { name: 'Exception 2: closed all day' }).uncheck();
    await field(page, 'Exception 2, hours 1: opens').fill('10:00');
    await field(page, 'Exception 2, hours 1: closes').fill('14:00');

    await page.getByRole('checkbox', { name: 'Ask before the chat starts' }).check();
    await page.getByRole('combobox', { name: 'Name', exact: true }).selectOption({ label: 'Required' });
    await page.getByRole('combobox', { name: 'Email', exact: true }).selectOption({ label: 'Optional' });
    await page.getByRole('combobox', { name: 'Team choice', exact: true }).selectOption({ label: 'Optional' });
    await field(page, 'Question').fill('Order number');
    await page.getByRole('checkbox', { name: 'Answer required' }).check();

    // A time that is not HH:MM is refused before anything is sent.
    await field(page, 'Monday, hours 1: closes').fill('5 pm');
    await button(page, 'Save').click();
    await page.getByRole('alert').getByText('Write times as HH:MM').waitFor();
    await field(page, 'Monday, hours 1: closes').fill('16:00');
    // Nor hours that overlap.
    await field(page, 'Friday, hours 2: opens').fill('16:30');
    await button(page, 'Save').click();
    await page.getByRole('alert').getByText('Friday: the hours overlap.').waitFor();
    await field(page, 'Friday, hours 2: opens').fill('18:00');
    await button(page, 'Save').click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await screenshot(page, 'console-admin-site-hours');

    const saved = await site();
    assert.equal(saved.routing, 'manual');
    assert.equal(saved.hours.time_zone, 'Europe/Tallinn');
    assert.equal(saved.hours.always_open, false);
    assert.deepEqual(saved.hours.weekly, [
      [{ open: '08:00', close: '16:00' }],
      [{ open: '09:00', close: '17:00' }],
      [{ open: '09:00', close: '17:00' }],
      [{ open: '09:00', close: '17:00' }],
      [{ open: '09:00', close: '17:00' }, { open: '18:00', close: '20:00' }],
      [],
      [],
    ]);
    assert.deepEqual(saved.hours.exceptions, [
      { date: '2026-12-24', intervals: [] },
      { date: '2026-12-27', intervals: [{ open: '10:00', close: '14:00' }] },
    ]);
    assert.deepEqual(saved.prechat, {
      enabled: true, name: 'required', email: 'optional', team: 'optional',
      question: { label: 'Order number', required: true },
    });

    await page.reload();
    await page.getByRole('heading', { name: 'Edit Demo shop' }).waitFor();
    assert.equal(await page.getByLabel('Routing', { exact: true }).inputValue(), 'manual');
    assert.equal(await page.getByLabel('Time zone', { exact: true }).inputValue(), 'Europe/Tallinn');
    assert.equal(await page.getByRole('checkbox', { name: 'Always open' }).isChecked(), false);
    assert.equal(await field(page, 'Monday, hours 1: opens').inputValue(), '08:00');
    assert.equal(await field(page, 'Friday, hours 2: closes').inputValue(), '20:00');
    assert.equal(await page.getByLabel('Date of exception 2').inputValue(), '2026-12-27');
    assert.equal(await page.getByRole('checkbox', { name: 'Ask before the chat starts' }).isChecked(), true);
    assert.equal(await page.getByRole('combobox', { name: 'Team choice', exact: true }).inputValue(), 'optional');
    assert.equal(await field(page, 'Question').inputValue(), 'Order number');

    // Open around the clock again (and no pre-chat form) for the chats that follow.
    await page.getByRole('checkbox', { name: 'Always open' }).check();
    await page.getByRole('checkbox', { name: 'Ask before the chat starts' }).uncheck();
    await button(page, 'Save').click();
    await eventually(async () => (await site()).hours.always_open === true, { what: 'always open saved' });
    const after = await site();
    assert.equal(after.prechat.enabled, false);
    assert.equal(after.routing, 'manual');
  });

  step('a visitor chat waits in the Queue (manual routing); Take assigns and opens it', async () => {
    await nav(page, 'Inbox').click();
    await showTab(page, 'Queue');
    maija = await visitor(server, ctx.siteKey, { label: 'maija' });
    maijaConversation = (await maija.sendMessage(QUESTION)).conversation_id;

    const row = queueList(page).getByRole('listitem').filter({ hasText: QUESTION });
    await row.waitFor();
    assert.match(await text(row), /Position 1/);
    assert.match(await text(row), /Waiting \d+/);
    assert.equal((await conversation(maijaConversation)).assignee_id, null, 'nobody has it yet');
    await screenshot(page, 'console-queue');

    await row.getByRole('button', { name: 'Take', exact: true }).click();
    await messageLog(page).getByText(QUESTION, { exact: true }).waitFor();
    await gone(row, 'the taken chat to leave the queue');
    await page.getByText('Nobody is waiting.').waitFor();
    await eventually(async () => (await conversation(maijaConversation)).assignee_id === ctx.admin.agent.id,
      { what: 'the chat assigned to the admin' });
    const event = await maija.next((f) => f.type === 'conversation' && f.conversation.assignee_id === ctx.admin.agent.id, WAIT);
    assert.equal(event.conversation.id, maijaConversation);

    // The panel: a wait time now, no first response until the agent writes.
    await eventually(async () => /\d/.test(await fact(page, 'Wait time')), { what: 'the wait time' });
    assert.equal((await fact(page, 'First response time')).trim(), '—');
    assert.equal((await fact(page, 'Channel')).trim(), 'Chat');
    assert.equal((await fact(page, 'Team')).trim(), 'No team');
    await field(page, 'Message').fill('Hello! Let me look at order 5512.');
    await field(page, 'Message').press('Enter');
    await maija.next((f) => f.type === 'message' && f.message.author.kind === 'agent', WAIT);
    await eventually(async () => /\d/.test(await fact(page, 'First response time')), { what: 'the first response time' });
  });

  step('an internal note shows in the console, apart from messages, and never reaches the visitor', async () => {
    await field(page, 'Internal note').fill(NOTE);
    await button(page, 'Add note').click();
    const note = notes(page).filter({ hasText: NOTE });
    await note.waitFor();
    assert.match(await text(note), /Internal note/);
    assert.equal(await field(page, 'Internal note').inputValue(), '', 'the note box is empty after adding');
    // Not a message bubble, and drawn differently from one.
    assert.equal(await messageLog(page).locator('.message', { hasText: NOTE }).count(), 0);
    const background = await note.evaluate((el) => getComputedStyle(el).backgroundColor);
    const bubble = await messageLog(page).locator('.message .bubble').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(background, bubble);

    const stored = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${maijaConversation}/notes`), 200).items;
    assert.deepEqual(stored.map((n) => n.body), [NOTE]);
    assert.equal(stored[0].agent_id, ctx.admin.agent.id);

    // Another agent's note arrives live (a `note` event).
    expectStatus(await api(server, liisa.token, 'POST', `/conversations/${maijaConversation}/notes`, { body: LIVE_NOTE }), 201);
    await notes(page).filter({ hasText: LIVE_NOTE }).waitFor();
    assert.match(await text(notes(page).filter({ hasText: LIVE_NOTE })), /Liisa Tamm/);

    await new Promise((r) => setTimeout(r, 300)); // anything misrouted would have arrived by now
    await assertVisitorNeverSaw(maija, maijaConversation, NOTE);
    await assertVisitorNeverSaw(maija, maijaConversation, LIVE_NOTE);
    await screenshot(page, 'console-notes');
  });

  step('transfers the conversation to another agent with a note', async () => {
    await button(page, 'Transfer').click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.waitFor();
    const target = dialog.getByLabel('Transfer to', { exact: true });
    const options = await target.locator('option').allTextContents();
    assert.ok(options.includes('Liisa Tamm'), `Liisa among the targets: ${options}`);
    assert.ok(options.includes('Customer support'), `the team among the targets: ${options}`);
    await target.selectOption({ label: 'Liisa Tamm' });
    await dialog.getByLabel('Note (optional)').fill(TRANSFER_NOTE);
    await screenshot(page, 'console-transfer');
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await gone(page.getByRole('dialog', { name: 'Transfer conversation' }), 'the dialog to close');

    await eventually(async () => (await conversation(maijaConversation)).assignee_id === liisa.agent.id,
      { what: 'the conversation assigned to Liisa' });
    assert.equal(await page.getByLabel('Assignee', { exact: true }).inputValue(), String(liisa.agent.id));
    await notes(page).filter({ hasText: TRANSFER_NOTE }).waitFor();
    const stored = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${maijaConversation}/notes`), 200).items;
    assert.ok(stored.some((n) => n.body === TRANSFER_NOTE), 'the transfer note is an internal note');
    await maija.next((f) => f.type === 'conversation' && f.conversation.assignee_id === liisa.agent.id, WAIT);
    await assertVisitorNeverSaw(maija, maijaConversation, TRANSFER_NOTE);
  });

  step('Escape closes the transfer dialog without transferring', async () => {
    await button(page, 'Transfer').click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await gone(dialog, 'the dialog to close');
    assert.equal((await conversation(maijaConversation)).assignee_id, liisa.agent.id);
  }, { independent: true });

  step("a chat transferred to a team waits in the queue with the team's name", async () => {
    const pekka = await visitor(server, ctx.siteKey, { label: 'pekka' });
    const id = (await pekka.sendMessage('Can I return a teapot?')).conversation_id;
    const row = queueList(page).getByRole('listitem').filter({ hasText: 'Can I return a teapot?' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Take', exact: true }).click();
    await messageLog(page).getByText('Can I return a teapot?', { exact: true }).waitFor();

    // Liisa, the only other member, is offline: the chat waits for the team in the queue.
    expectStatus(await api(server, ctx.token, 'PATCH', `/teams/${teamId}`, { agent_ids: [liisa.agent.id] }), 200);
    await button(page, 'Transfer').click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByLabel('Transfer to', { exact: true }).selectOption({ label: 'Customer support' });
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await gone(dialog, 'the dialog to close');
    await eventually(async () => (await conversation(id)).team_id === teamId, { what: 'the team set on the chat' });
    assert.equal((await conversation(id)).assignee_id, null);
    await row.waitFor();
    assert.match(await text(row), /Customer support/);
    await eventually(async () => (await fact(page, 'Team')).trim() === 'Customer support', { what: 'the team in the panel' });
  }, { independent: true });

  step('an offline message shows its badge in the inbox', async () => {
    const olli = await visitor(server, ctx.siteKey, { label: 'olli' });
    olli.send({ type: 'leave_message', client_id: uid('m'), name: 'Olli', email: 'olli@example.com', body: 'Please call me back tomorrow.' });
    const ack = await olli.next((f) => f.type === 'ack' || f.type === 'error', WAIT);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    await showTab(page, 'Unassigned');
    const row = conversationList(page).getByRole('listitem').filter({ hasText: 'Please call me back tomorrow.' });
    await row.waitFor();
    await row.getByText('Offline message', { exact: true }).waitFor();
    await row.getByRole('button').click();
    await eventually(async () => (await fact(page, 'Channel')).trim() === 'Offline message', { what: 'the channel in the panel' });
  }, { independent: true });

  step('the Missed filter shows chats whose visitor left before any answer', async () => {
    const ville = await visitor(server, ctx.siteKey, { label: 'ville' });
    const id = (await ville.sendMessage('Anyone? I have to go soon.')).conversation_id;
    await ville.close();
    await eventually(async () => (await conversation(id)).missed === true, { timeoutMs: 10000, what: 'the chat marked missed' });
    await showTab(page, 'All');
    const missed = page.getByRole('checkbox', { name: 'Missed', exact: true });
    await missed.check();
    const row = conversationList(page).getByRole('listitem').filter({ hasText: 'Anyone? I have to go soon.' });
    await row.waitFor();
    await row.getByText('Missed', { exact: true }).waitFor();
    // Only missed chats: Maija's (answered) is not listed.
    assert.equal(await conversationList(page).getByRole('listitem').filter({ hasText: 'order 5512' }).count(), 0);
    await missed.uncheck();
    await conversationList(page).getByRole('listitem').filter({ hasText: 'order 5512' }).waitFor();
  }, { independent: true });

  step('Take does not snatch a chat another agent took a moment earlier', async () => {
    await showTab(page, 'Queue');
    const kaisa = await visitor(server, ctx.siteKey, { label: 'kaisa' });
    const id = (await kaisa.sendMessage('Do you have gift cards?')).conversation_id;
    const row = queueList(page).getByRole('listitem').filter({ hasText: 'Do you have gift cards?' });
    await row.waitFor();
    // The queue's next answer is held back, so the row stays while the chat is taken elsewhere.
    let held = 0;
    await page.route('**/api/v1/queue', () => { held += 1; });
    expectStatus(await api(server, liisa.token, 'POST', `/conversations/${id}/assign`, { agent_id: liisa.agent.id }), 200);
    await eventually(() => held > 0, { what: 'the queue reload after the event' });
    await row.getByRole('button', { name: 'Take', exact: true }).click();
    await page.getByRole('alert').getByText('Liisa Tamm already took this chat.').waitFor();
    assert.equal((await conversation(id)).assignee_id, liisa.agent.id, 'still Liisa\'s');
    await page.unroute('**/api/v1/queue');
    await button(page, 'Dismiss').click();
    await showTab(page, 'Mine');
    await showTab(page, 'Queue');
    await gone(row, 'the taken chat to leave the queue');
  }, { independent: true });

  step('with automatic routing a new chat goes straight to the online agent, under Mine', async () => {
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'auto' }), 200);
    const anna = await visitor(server, ctx.siteKey, { label: 'anna' });
    const id = (await anna.sendMessage('Is the green teapot back in stock?')).conversation_id;
    await eventually(async () => (await conversation(id)).assignee_id === ctx.admin.agent.id,
      { what: 'the chat routed to the only online agent' });
    await showTab(page, 'Mine');
    await page.getByRole('checkbox', { name: 'Missed', exact: true }).uncheck();
    await conversationList(page).getByRole('listitem').filter({ hasText: 'Is the green teapot back in stock?' }).waitFor();
    await showTab(page, 'Queue');
    assert.equal(await queueList(page).getByRole('listitem').filter({ hasText: 'green teapot' }).count(), 0);
  }, { independent: true });

  step("the other agent's console: the transferred chat with its notes, and news of a chat transferred live", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(WAIT);
    await recordNotifications(context);
    const p = await context.newPage();
    p.on('pageerror', (error) => pageErrors.push(error.message));
    await p.goto(consoleUrl());
    await field(p, 'Email').fill('liisa@example.com');
    await p.getByLabel('Password', { exact: true }).fill(liisa.password);
    await button(p, 'Log in').click();
    await eventually(async () => (await p.getByRole('combobox', { name: 'Availability' }).inputValue()) === 'online',
      { what: "Liisa's console connected" });
    // Not an admin: no admin pages.
    assert.equal(await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).count(), 0);

    await showTab(p, 'Mine');
    await conversationList(p).getByRole('listitem').filter({ hasText: 'order 5512' }).getByRole('button').click();
    await notes(p).filter({ hasText: TRANSFER_NOTE }).waitFor();
    await notes(p).filter({ hasText: NOTE }).waitFor();
    assert.match(await text(notes(p).filter({ hasText: TRANSFER_NOTE })), /Admin|You/);

    // The admin hands over the chat routed to them; Liisa's console has news of it.
    await showTab(page, 'Mine');
    await conversationList(page).getByRole('listitem').filter({ hasText: 'green teapot' }).getByRole('button').click();
    await messageLog(page).getByText('Is the green teapot back in stock?', { exact: true }).waitFor();
    await button(page, 'Transfer').click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByLabel('Transfer to', { exact: true }).selectOption({ label: 'Liisa Tamm' });
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await gone(dialog, 'the dialog to close');
    await conversationList(p).getByRole('listitem').filter({ hasText: 'green teapot' }).waitFor();
    await eventually(async () => (await p.evaluate(() => window.shownNotifications))
      .some((n) => n.title === 'A conversation is now yours' && n.body === 'Is the green teapot back in stock?'),
    { what: "Liisa's notification of the transferred chat" });
    await context.close();
  }, { independent: true });

  step('admin: saved replies for everyone or for a team', async () => {
    await nav(page, 'Saved replies').click();
    await page.getByText('No saved replies yet.').waitFor();
    await field(page, 'Shortcut').fill('returns');
    await field(page, 'Title').fill('Returns');
    await field(page, 'Reply').fill('You can return anything within 30 days.');
    await page.getByLabel('Team', { exact: true }).selectOption({ label: 'Customer support' });
    await button(page, 'Add saved reply').click();
    const row = page.getByRole('row').filter({ hasText: '/returns' });
    await row.waitFor();
    await row.getByText('Customer support').waitFor();
    const list = async () => expectStatus(await api(server, ctx.token, 'GET', '/canned-responses'), 200).items;
    const created = (await list()).find((c) => c.shortcut === 'returns');
    assert.equal(created.team_id, teamId);
    assert.equal(created.title, 'Returns');

    // The admin is not in the team (any more): the reply box does not offer the team's reply.
    const picker = page.getByRole('listbox', { name: 'Saved replies' });
    await nav(page, 'Inbox').click();
    await field(page, 'Message').fill('/ret');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await picker.count(), 0, "a team's reply is offered to its members only");
    await field(page, 'Message').fill('');
    await nav(page, 'Saved replies').click();

    await button(page, 'Edit /returns').click();
    await page.getByLabel('Team', { exact: true }).selectOption({ label: 'Everyone' });
    await field(page, 'Reply').fill('You can return anything within 60 days.');
    await button(page, 'Save').click();
    await row.getByText('Everyone').waitFor();
    await nav(page, 'Inbox').click();
    await field(page, 'Message').fill('/ret');
    await picker.getByRole('option', { name: /returns/ }).waitFor();
    await field(page, 'Message').fill('');
    await nav(page, 'Saved replies').click();
    const edited = (await list()).find((c) => c.shortcut === 'returns');
    assert.equal(edited.team_id, null);
    assert.equal(edited.body, 'You can return anything within 60 days.');

    page.once('dialog', (dialog) => void dialog.accept());
    await button(page, 'Delete /returns').click();
    await gone(row, 'the deleted reply');
    assert.equal((await list()).length, 0);
  }, { independent: true });

  step('speaks Finnish on the new pages', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Language', { exact: true }).selectOption('fi');
    const finnishNav = page.getByRole('navigation', { name: 'Päävalikko' });
    await finnishNav.getByRole('link', { name: 'Tiimit' }).click();
    await page.getByRole('heading', { name: 'Tiimit', level: 1 }).waitFor();
    await finnishNav.getByRole('link', { name: 'Saapuneet' }).click();
    await page.getByRole('tab', { name: 'Jono', exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Päävalikko' }).getByRole('link', { name: 'Asetukset' }).click();
    await page.getByLabel('Kieli', { exact: true }).selectOption('en');
    await nav(page, 'Inbox').waitFor();
  }, { independent: true });

  it('had no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
