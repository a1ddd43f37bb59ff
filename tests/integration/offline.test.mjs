// Offline: whether a site is open (agents online, opening hours), the offline form's
// message, the agent's reply e-mailed through a real SMTP server on loopback, and
// missed chats.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, createAgent, eventually, uid,
} from './lib/harness.mjs';
import { startSmtpServer, parseMessage } from './lib/smtp.mjs';

const allDay = [{ open: '00:00', close: '24:00' }];

function utcDate(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

describe('site availability and opening hours', () => {
  let server;
  let ctx;

  before(async () => {
    server = await startServer({ env: { JUTTU_AGENT_OFFLINE_GRACE: '1' } });
    ctx = await demo(server);
  });
  after(() => server.stop());

  it('no agent online: the welcome says so, and visitors hear when one comes and goes', async () => {
    const v = await visitor(server, ctx.siteKey);
    assert.deepEqual(v.welcome.availability, { online: false, reason: 'no_agents', next_opening_at: null });
    const a = await agent(server, ctx.token);
    const online = await v.next('site_status');
    assert.deepEqual(online, { type: 'site_status', online: true, reason: 'open', next_opening_at: null });
    const v2 = await visitor(server, ctx.siteKey);
    assert.equal(v2.welcome.availability.online, true);
    await a.close();
    const offline = await v.next('site_status', 6000);
    assert.equal(offline.online, false);
    assert.equal(offline.reason, 'no_agents');
    await v.close();
    await v2.close();
  });

  it('outside opening hours the site is offline, with the next opening; hours are validated', async () => {
    const a = await agent(server, ctx.token);
    const v = await visitor(server, ctx.siteKey);
    assert.equal(v.welcome.availability.online, true);
    const now = Date.now();
    const today = utcDate(now);
    const hours = {
      time_zone: 'UTC', always_open: false,
      weekly: [allDay, allDay, allDay, allDay, allDay, allDay, allDay],
      exceptions: [{ date: today, intervals: [] }],
    };
    const site = expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { hours }), 200);
    assert.deepEqual(site.hours, hours);
    // A connected visitor hears of an admin's change at once.
    const closed = await v.next('site_status', 2000);
    assert.equal(closed.online, false);
    assert.equal(closed.reason, 'outside_hours');
    const tomorrow = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1);
    if (utcDate(Date.now()) === today) assert.equal(closed.next_opening_at, tomorrow);
    const fresh = await visitor(server, ctx.siteKey);
    assert.equal(fresh.welcome.availability.reason, 'outside_hours');

    const bad = [
      { ...hours, time_zone: 'Mars/Olympus_Mons' },
      { ...hours, weekly: [[{ open: '10:00', close: '09:00' }], [], [], [], [], [], []] },
      { ...hours, weekly: [[{ open: '08:00', close: '12:00' }, { open: '11:00', close: '13:00' }], [], [], [], [], [], []] },
      { ...hours, weekly: [[{ open: '25:00', close: '26:00' }], [], [], [], [], [], []] },
      { ...hours, weekly: [[], []] },
      { ...hours, exceptions: [{ date: '2026-02-30', intervals: [] }] },
      { ...hours, exceptions: [{ date: 'tomorrow', intervals: [] }] },
    ];
    for (const h of bad) {
      expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { hours: h }), 400, 'validation_failed');
    }
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'sometimes' }), 400, 'validation_failed');
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { prechat: { name: 'maybe' } }), 400, 'validation_failed');
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`,
      { prechat: { enabled: true, question: { label: 'x'.repeat(65) } } }), 400, 'validation_failed');
    const unchanged = expectStatus(await api(server, ctx.token, 'GET', `/sites/${ctx.site.id}`), 200);
    assert.deepEqual(unchanged.hours, hours);

    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`,
      { hours: { ...hours, always_open: true } }), 200);
    const reopened = await v.next((f) => f.type === 'site_status' && f.online, 2000);
    assert.equal(reopened.reason, 'open');
    for (const c of [a, v, fresh]) await c.close();
  });

  it('the pre-chat form and its teams are in the welcome', async () => {
    const team = expectStatus(await api(server, ctx.token, 'POST', '/teams', { name: 'Pre-chat team' }), 201);
    const prechat = { enabled: true, name: 'required', email: 'optional', team: 'optional',
      question: { label: 'Order number', required: false } };
    const site = expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { prechat }), 200);
    assert.deepEqual(site.prechat, prechat);
    const v = await visitor(server, ctx.siteKey);
    assert.deepEqual(v.welcome.prechat, prechat);
    assert.deepEqual(v.welcome.teams, [{ id: team.id, name: 'Pre-chat team' }]);
    assert.equal(v.welcome.queue, null);
    await v.close();
  });
});

describe('the offline form and e-mailed replies', () => {
  let smtp;
  let server;
  let ctx;

  before(async () => {
    smtp = await startSmtpServer();
    server = await startServer({
      env: {
        JUTTU_SMTP_HOST: '127.0.0.1',
        JUTTU_SMTP_PORT: String(smtp.port),
        JUTTU_SMTP_TLS: 'none',
        JUTTU_SMTP_FROM: 'Demo shop <support@shop.example>',
      },
    });
    ctx = await demo(server);
  });
  after(async () => {
    await server.stop();
    await smtp.close();
  });

  it('a left message makes an offline conversation; the agent\'s reply arrives by e-mail', async () => {
    const v = await visitor(server, ctx.siteKey);
    assert.equal(v.welcome.availability.online, false);
    const clientId = uid('off');
    v.send({ type: 'leave_message', client_id: clientId, name: 'Maija Meikäläinen', email: 'Maija@Example.com', body: 'Toimitatteko Tallinnaan?' });
    const ack = await v.next((f) => f.type === 'ack' && f.client_id === clientId);
    assert.equal(ack.duplicate, false);
    const detail = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${ack.conversation_id}`), 200);
    assert.equal(detail.conversation.channel, 'offline');
    assert.equal(detail.contact.email, 'maija@example.com');
    assert.equal(detail.contact.name, 'Maija Meikäläinen');
    const listed = expectStatus(await api(server, ctx.token, 'GET', '/conversations?channel=offline'), 200).items;
    assert.deepEqual(listed.map((c) => c.id), [ack.conversation_id]);
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', '/queue'), 200).items, [], 'offline does not queue');

    // A retry of the same form is not a second message.
    v.send({ type: 'leave_message', client_id: clientId, name: 'Maija Meikäläinen', email: 'maija@example.com', body: 'Toimitatteko Tallinnaan?' });
    const again = await v.next((f) => f.type === 'ack' && f.client_id === clientId && f.duplicate);
    assert.equal(again.message_id, ack.message_id);
    await v.close();

    const a = await agent(server, ctx.token);
    const reply = await a.sendMessage('Kyllä, 2–3 arkipäivässä.', { conversation_id: ack.conversation_id });
    assert.ok(reply.seq > 1);
    await eventually(() => smtp.messages.length === 1, { what: 'the e-mail', timeoutMs: 10000 });
    const [mail] = smtp.messages;
    assert.deepEqual(mail.to, ['maija@example.com']);
    assert.equal(mail.from, 'support@shop.example');
    const parsed = parseMessage(mail.raw);
    assert.match(parsed.subject, /Demo shop/);
    assert.match(parsed.body, /Kyllä, 2–3 arkipäivässä\./);
    assert.match(parsed.body, new RegExp(ctx.admin.agent.name));

    // Replies in live chats are not e-mailed.
    const live = await visitor(server, ctx.siteKey);
    const { conversation_id: chatId } = await live.sendMessage('live question');
    await a.sendMessage('live answer', { conversation_id: chatId });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(smtp.messages.length, 1);
    await live.close();
    await a.close();
  });

  it('a message left during a live chat turns it offline, so the reply is e-mailed', async () => {
    const before = smtp.messages.length;
    const v = await visitor(server, ctx.siteKey);
    const { conversation_id: id } = await v.sendMessage('anyone here?');
    const clientId = uid('off');
    v.send({ type: 'leave_message', client_id: clientId, email: 'late@example.com', body: 'Please mail me.' });
    const ack = await v.next((f) => f.type === 'ack' && f.client_id === clientId);
    assert.equal(ack.conversation_id, id);
    const c = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${id}`), 200);
    assert.equal(c.conversation.channel, 'offline');
    await v.close();
    const a = await agent(server, ctx.token);
    await a.sendMessage('Mailing you now.', { conversation_id: id });
    await eventually(() => smtp.messages.length === before + 1, { what: 'the e-mail', timeoutMs: 10000 });
    assert.deepEqual(smtp.messages.at(-1).to, ['late@example.com']);
    await a.close();
  });

  it('the offline form refuses a missing or bad e-mail and a blank message, storing nothing', async () => {
    const v = await visitor(server, ctx.siteKey);
    const cases = [
      { client_id: uid('x'), body: 'no email' },
      { client_id: uid('x'), email: 'not-an-address', body: 'bad email' },
      { client_id: uid('x'), email: 'ok@example.com', body: '   ' },
      { client_id: uid('x'), email: 'ok@example.com', body: 7 },
    ];
    for (const c of cases) {
      v.send({ type: 'leave_message', ...c });
      const error = await v.next((f) => f.type === 'error' && f.ref === c.client_id);
      assert.equal(error.code, 'bad_frame', JSON.stringify(error));
    }
    assert.equal(v.received('ack').length, 0);
    const contact = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${v.contact.id}`), 200);
    assert.deepEqual(contact.conversations, []);
    assert.equal(contact.contact.email, '');
    const a = await agent(server, ctx.token);
    a.send({ type: 'leave_message', client_id: 'agent-1', email: 'a@example.com', body: 'x' });
    assert.equal((await a.next('error')).code, 'bad_frame');
    await a.close();
    await v.close();
  });
});

describe('missed chats', () => {
  let server;
  let ctx;

  before(async () => {
    server = await startServer({ env: { JUTTU_VISITOR_LEAVE_GRACE: '1' } });
    ctx = await demo(server);
  });
  after(() => server.stop());

  it('a visitor who leaves before any answer makes a missed chat; one who was answered does not', async () => {
    const watcher = await agent(server, ctx.token, { label: 'watcher' });
    const leaver = await visitor(server, ctx.siteKey, { label: 'leaver' });
    const { conversation_id: missedId } = await leaver.sendMessage('anyone there?');
    const answered = await visitor(server, ctx.siteKey, { label: 'answered' });
    const { conversation_id: answeredId } = await answered.sendMessage('hello?');
    await watcher.sendMessage('Hi! Here.', { conversation_id: answeredId });
    await leaver.close();
    await answered.close();

    const event = await watcher.next((f) => f.type === 'conversation' && f.conversation.id === missedId && f.conversation.missed, 6000);
    assert.equal(event.conversation.status, 'open');
    await new Promise((r) => setTimeout(r, 1500));
    const missed = expectStatus(await api(server, ctx.token, 'GET', '/conversations?missed=true'), 200).items;
    assert.deepEqual(missed.map((c) => c.id), [missedId]);
    const notMissed = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${answeredId}`), 200);
    assert.equal(notMissed.conversation.missed, false);
    await watcher.close();
  });

  it('moving to another page within the grace period is not leaving', async () => {
    const first = await visitor(server, ctx.siteKey, { label: 'page-1' });
    const { conversation_id: id } = await first.sendMessage('browsing');
    await first.close();
    const second = await visitor(server, ctx.siteKey, { label: 'page-2', contactToken: first.welcome.contact_token });
    await new Promise((r) => setTimeout(r, 2500));
    const c = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${id}`), 200).conversation;
    assert.equal(c.missed, false);
    await second.close();
  });
});
