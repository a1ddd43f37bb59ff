// Conversations between visitors and agents over the real-time protocol:
// both directions, fan-out to every connection, read receipts, typing, page views, ping.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, connectWs, createAgent, uid, eventually,
} from './lib/harness.mjs';

let server;
let ctx; // {admin, token, site, siteKey}

before(async () => {
  server = await startServer();
  ctx = await demo(server);
});

const isMessage = (seq, conversationId) => (f) =>
  f.type === 'message' && f.conversation_id === conversationId && f.message && f.message.seq === seq;

describe('visitor ↔ agent conversation', () => {
  let inbox;
  let v;
  let conversationId;

  it('an agent says hello with its session token and gets its agent and workspace', async () => {
    inbox = await agent(server, ctx.token, { label: 'admin-inbox' });
    const w = inbox.welcome;
    assert.equal(w.role, 'agent');
    assert.equal(w.agent.id, ctx.admin.agent.id);
    assert.equal(w.agent.email, 'admin@example.com');
    assert.equal(w.agent.role, 'admin');
    assert.equal(w.agent.disabled, false);
    assert.equal(w.workspace.name, 'Demo');
    assert.equal(w.workspace.id, w.agent.workspace_id);
  });

  it('a first-time visitor gets a contact token, its contact, the site and no conversation', async () => {
    v = await visitor(server, ctx.siteKey, { label: 'visitor' });
    const w = v.welcome;
    assert.equal(w.role, 'visitor');
    assert.equal(typeof w.contact_token, 'string');
    assert.ok(w.contact_token.length >= 16, `contact token too short: ${w.contact_token}`);
    assert.equal(typeof w.contact.id, 'number');
    assert.equal(w.site.name, 'Demo shop');
    assert.equal(typeof w.site.greeting, 'string');
    assert.match(w.site.color, /^#[0-9a-fA-F]{6}$/);
    assert.equal(w.conversation, null);
  });

  it('the visitor\'s first message is acked with seq 1 and reaches the agent (and the visitor)', async () => {
    const clientId = uid('v');
    v.send({ type: 'send', client_id: clientId, body: 'Where is my order?' });
    const ack = await v.next({ type: 'ack', client_id: clientId });
    assert.equal(ack.seq, 1);
    assert.equal(ack.duplicate, false);
    assert.equal(typeof ack.conversation_id, 'number');
    assert.equal(typeof ack.message_id, 'number');
    assert.equal(typeof ack.created_at, 'number');
    conversationId = ack.conversation_id;

    const ev = await inbox.next(isMessage(1, conversationId));
    assert.deepEqual(ev.message.author, { kind: 'visitor', id: v.contact.id, name: '' });
    assert.equal(ev.message.body, 'Where is my order?');
    assert.equal(ev.message.client_id, clientId);
    assert.equal(ev.message.id, ack.message_id);
    assert.equal(ev.message.conversation_id, conversationId);
    assert.equal(ev.message.created_at, ack.created_at);

    const own = await v.next(isMessage(1, conversationId));
    assert.equal(own.message.id, ack.message_id);
  });

  it('agents and the visitor are told about the new conversation', async () => {
    for (const c of [inbox, v]) {
      const ev = await c.next((f) => f.type === 'conversation' && f.conversation.id === conversationId);
      assert.equal(ev.conversation.status, 'open', c.label);
      assert.equal(ev.conversation.contact_id, v.contact.id);
      assert.equal(ev.conversation.site_id, ctx.site.id);
      assert.equal(ev.conversation.assignee_id, null);
    }
  });

  it('the agent replies naming the conversation; the visitor receives it with seq 2', async () => {
    const clientId = uid('a');
    inbox.send({ type: 'send', client_id: clientId, conversation_id: conversationId, body: 'Let me check.' });
    const ack = await inbox.next({ type: 'ack', client_id: clientId });
    assert.equal(ack.seq, 2);
    assert.equal(ack.conversation_id, conversationId);
    assert.equal(ack.duplicate, false);

    const ev = await v.next(isMessage(2, conversationId));
    assert.deepEqual(ev.message.author, { kind: 'agent', id: ctx.admin.agent.id, name: ctx.admin.agent.name });
    assert.equal(ev.message.body, 'Let me check.');
    assert.equal(ev.message.id, ack.message_id);
    await inbox.next(isMessage(2, conversationId));
  });

  it('both messages are stored in order (REST)', async () => {
    const res = await api(server, ctx.token, 'GET', `/conversations/${conversationId}/messages?after_seq=0`);
    const body = expectStatus(res, 200);
    assert.deepEqual(body.items.map((m) => [m.seq, m.body, m.author.kind]),
      [[1, 'Where is my order?', 'visitor'], [2, 'Let me check.', 'agent']]);
    assert.equal(body.has_more, false);
    const conv = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conversationId}`), 200);
    assert.equal(conv.conversation.last_seq, 2);
    assert.equal(conv.conversation.last_message_preview, 'Let me check.');
    assert.equal(conv.contact.id, v.contact.id);
  });

  it('a returning visitor (contact token) is the same contact and finds the open conversation', async () => {
    const again = await visitor(server, ctx.siteKey, { contactToken: v.contactToken, label: 'visitor-again' });
    assert.equal(again.contact.id, v.contact.id);
    assert.equal(again.contactToken, v.contactToken);
    assert.equal(again.conversation.id, conversationId);
    assert.equal(again.conversation.status, 'open');
    assert.equal(again.conversation.last_seq, 2);
    await again.close();
  });

  it('an unknown contact token is not an error: a new contact with a new token', async () => {
    const fresh = await visitor(server, ctx.siteKey, { contactToken: 'ct_this-token-does-not-exist-0000', label: 'unknown-token' });
    assert.notEqual(fresh.contact.id, v.contact.id);
    assert.notEqual(fresh.contactToken, 'ct_this-token-does-not-exist-0000');
    assert.equal(fresh.conversation, null);
    await fresh.close();
  });
});

describe('fan-out to every connection', () => {
  it('two tabs of one visitor and two agents all receive every message', async () => {
    const second = await createAgent(server.url, ctx.token, { role: 'agent' });
    const agent1 = await agent(server, ctx.token, { label: 'agent1' });
    const agent2 = await agent(server, second.token, { label: 'agent2' });
    const tab1 = await visitor(server, ctx.siteKey, { label: 'tab1' });
    const ack1 = await tab1.sendMessage('first from tab 1');
    const conv = ack1.conversation_id;
    assert.equal(ack1.seq, 1);

    const tab2 = await visitor(server, ctx.siteKey, { contactToken: tab1.contactToken, label: 'tab2' });
    assert.equal(tab2.contact.id, tab1.contact.id);
    assert.equal(tab2.conversation.id, conv);

    const all = [tab1, tab2, agent1, agent2];
    for (const c of [tab1, agent1, agent2]) await c.next(isMessage(1, conv));

    const ack2 = await tab2.sendMessage('second, from tab 2');
    assert.equal(ack2.seq, 2);
    assert.equal(ack2.conversation_id, conv);
    for (const c of all) {
      const ev = await c.next(isMessage(2, conv));
      assert.equal(ev.message.body, 'second, from tab 2', c.label);
      assert.deepEqual(ev.message.author, { kind: 'visitor', id: tab1.contact.id, name: '' });
    }

    const ack3 = await agent2.sendMessage('reply from agent 2', { conversation_id: conv });
    assert.equal(ack3.seq, 3);
    for (const c of all) {
      const ev = await c.next(isMessage(3, conv));
      assert.equal(ev.message.body, 'reply from agent 2', c.label);
      assert.deepEqual(ev.message.author, { kind: 'agent', id: second.agent.id, name: second.agent.name });
    }

    const ack4 = await agent1.sendMessage('reply from agent 1', { conversation_id: conv });
    assert.equal(ack4.seq, 4);
    for (const c of all) await c.next(isMessage(4, conv));

    // Nobody got any message twice.
    for (const c of all) {
      const seqs = c.received((f) => f.type === 'message' && f.conversation_id === conv).map((f) => f.message.seq);
      assert.deepEqual(seqs, [...new Set(seqs)], `${c.label} got duplicates: ${seqs}`);
    }
    for (const c of all) await c.close();
  });
});

describe('read receipts', () => {
  it('both sides learn of a read mark; it only rises and never passes the last message', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await visitor(server, ctx.siteKey, { label: 'reader' });
    const { conversation_id: conv } = await v.sendMessage('one');
    await v.sendMessage('two');
    await inbox.sendMessage('three', { conversation_id: conv });
    const visitorReader = { kind: 'visitor', id: v.contact.id };
    const agentReader = { kind: 'agent', id: ctx.admin.agent.id };

    v.send({ type: 'read', conversation_id: conv, seq: 2 });
    for (const c of [v, inbox]) {
      const ev = await c.next({ type: 'read', conversation_id: conv, reader: visitorReader });
      assert.equal(ev.seq, 2, c.label);
    }

    // Lower than the mark: it must not go down.
    v.send({ type: 'read', conversation_id: conv, seq: 1 });
    // Beyond the last message: capped at the last seq (3).
    v.send({ type: 'read', conversation_id: conv, seq: 999 });
    for (const c of [v, inbox]) {
      const ev = await c.next({ type: 'read', conversation_id: conv, reader: visitorReader, seq: 3 });
      assert.equal(ev.seq, 3);
      const marks = c.received({ type: 'read', conversation_id: conv, reader: visitorReader }).map((f) => f.seq);
      assert.ok(marks.every((s) => s >= 2 && s <= 3), `${c.label}: read marks ${marks} went down or past the end`);
      for (let i = 1; i < marks.length; i++) assert.ok(marks[i] >= marks[i - 1], `${c.label}: marks decreased: ${marks}`);
    }

    // The agent's own mark reaches the visitor.
    inbox.send({ type: 'read', conversation_id: conv, seq: 3 });
    for (const c of [v, inbox]) {
      const ev = await c.next({ type: 'read', conversation_id: conv, reader: agentReader });
      assert.equal(ev.seq, 3);
    }

    const detail = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}`), 200);
    const stored = Object.fromEntries(detail.read_marks.map((m) => [`${m.reader.kind}:${m.reader.id}`, m.seq]));
    assert.equal(stored[`visitor:${v.contact.id}`], 3, JSON.stringify(detail.read_marks));
    assert.equal(stored[`agent:${ctx.admin.agent.id}`], 3, JSON.stringify(detail.read_marks));

    v.send({ type: 'sync', conversation_id: conv, after_seq: 0 });
    const hist = await v.next({ type: 'history', conversation_id: conv });
    const synced = Object.fromEntries(hist.read_marks.map((m) => [`${m.reader.kind}:${m.reader.id}`, m.seq]));
    assert.equal(synced[`visitor:${v.contact.id}`], 3);
    assert.equal(synced[`agent:${ctx.admin.agent.id}`], 3);

    // A later, lower mark still changes nothing.
    v.send({ type: 'read', conversation_id: conv, seq: 1 });
    await v.roundTrip();
    const after = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}`), 200);
    const mark = after.read_marks.find((m) => m.reader.kind === 'visitor' && m.reader.id === v.contact.id);
    assert.equal(mark.seq, 3);
    await v.close();
    await inbox.close();
  });

  it('each inbox row names its contact and carries the caller\'s own read mark', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox-rows' });
    const v = await visitor(server, ctx.siteKey, { label: 'row-visitor' });
    v.send({ type: 'identify', name: 'Rivi Vierailija', email: 'rivi@example.com' });
    const { conversation_id: conv } = await v.sendMessage('first');
    await v.sendMessage('second');
    const rowOf = async () => {
      const list = expectStatus(await api(server, ctx.token, 'GET', '/conversations?limit=100'), 200);
      return list.items.find((c) => c.id === conv);
    };
    let row = await rowOf();
    assert.deepEqual(row.contact, { id: v.contact.id, name: 'Rivi Vierailija', email: 'rivi@example.com' });
    assert.equal(row.my_read_seq, 0);
    assert.equal(row.last_seq, 2);
    inbox.send({ type: 'read', conversation_id: conv, seq: 1 });
    await inbox.next({ type: 'read', conversation_id: conv, reader: { kind: 'agent', id: ctx.admin.agent.id } });
    row = await rowOf();
    assert.equal(row.my_read_seq, 1);
    // Another agent's mark is not mine.
    const other = await createAgent(server, ctx.token, { name: 'Other Reader' });
    const otherList = expectStatus(await api(server, other.token, 'GET', '/conversations?limit=100'), 200);
    assert.equal(otherList.items.find((c) => c.id === conv).my_read_seq, 0);
    await v.close();
    await inbox.close();
  });
});

describe('typing', () => {
  it('reaches the other side in both directions and is never stored', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await visitor(server, ctx.siteKey, { label: 'typist' });
    const { conversation_id: conv } = await v.sendMessage('hello, anyone?');

    // Visitors may leave out conversation_id.
    v.send({ type: 'typing', active: true });
    const t1 = await inbox.next({ type: 'typing', conversation_id: conv });
    assert.equal(t1.active, true);
    assert.equal(t1.author.kind, 'visitor');
    assert.equal(t1.author.id, v.contact.id);

    v.send({ type: 'typing', conversation_id: conv, active: false });
    const t2 = await inbox.next({ type: 'typing', conversation_id: conv, active: false });
    assert.equal(t2.author.kind, 'visitor');

    inbox.send({ type: 'typing', conversation_id: conv, active: true });
    const t3 = await v.next({ type: 'typing', conversation_id: conv, author: { kind: 'agent' } });
    assert.equal(t3.active, true);
    assert.equal(t3.author.id, ctx.admin.agent.id);
    assert.equal(typeof t3.author.name, 'string');

    const msgs = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}/messages?after_seq=0`), 200);
    assert.equal(msgs.items.length, 1, JSON.stringify(msgs.items));
    const detail = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}`), 200);
    assert.equal(detail.conversation.last_seq, 1);
    v.send({ type: 'sync', conversation_id: conv, after_seq: 0 });
    const hist = await v.next({ type: 'history', conversation_id: conv });
    assert.deepEqual(hist.messages.map((m) => m.seq), [1]);

    // The next message still gets seq 2: typing used no sequence number.
    const ack = await v.sendMessage('still there');
    assert.equal(ack.seq, 2);
    await v.close();
    await inbox.close();
  });
});

describe('page views', () => {
  it('reach agents and are kept on the contact', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await visitor(server, ctx.siteKey, { label: 'browser' });
    const url = `https://shop.example/cart?item=${uid('p')}`;
    v.send({ type: 'page_view', url, title: 'Your cart', referrer: 'https://www.google.com/' });
    const ev = await inbox.next({ type: 'page_view', url });
    assert.equal(ev.contact_id, v.contact.id);
    assert.equal(ev.title, 'Your cart');
    assert.equal(ev.referrer, 'https://www.google.com/');
    assert.equal(typeof ev.at, 'number');

    // Only url is required.
    const url2 = `http://shop.example/p/${uid('p')}`;
    v.send({ type: 'page_view', url: url2 });
    await inbox.next({ type: 'page_view', url: url2, contact_id: v.contact.id });

    const contact = await eventually(async () => {
      const res = await api(server, ctx.token, 'GET', `/contacts/${v.contact.id}`);
      const body = expectStatus(res, 200);
      return body.page_views.some((p) => p.url === url2) ? body : null;
    }, { what: 'both page views on the contact' });
    assert.equal(contact.contact.id, v.contact.id);
    const pv = contact.page_views.find((p) => p.url === url);
    assert.ok(pv, JSON.stringify(contact.page_views));
    assert.equal(pv.title, 'Your cart');
    assert.equal(pv.referrer, 'https://www.google.com/');
    assert.equal(pv.contact_id, v.contact.id);
    assert.equal(typeof pv.id, 'number');
    assert.equal(typeof pv.at, 'number');
    await v.close();
    await inbox.close();
  });
});

describe('who the visitor is', () => {
  it('hello context and the User-Agent are kept in the contact\'s attributes', async () => {
    const context = { language: 'fi-FI', timezone: 'Europe/Helsinki', screen: '390x844' };
    const v = await visitor(server, ctx.siteKey, { context, headers: { 'User-Agent': 'JuttuTest/1.0 (integration)' }, label: 'contextual' });
    const contact = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${v.contact.id}`), 200).contact;
    assert.equal(contact.attributes.language, 'fi-FI');
    assert.equal(contact.attributes.timezone, 'Europe/Helsinki');
    assert.equal(contact.attributes.screen, '390x844');
    assert.equal(contact.attributes.user_agent, 'JuttuTest/1.0 (integration)');
    await v.close();
  });

  it('a hello with a bad context is refused', async () => {
    for (const context of [{ language: 'x'.repeat(101) }, { language: 5 }, 'fi-FI']) {
      const c = await connectWs(server, { origin: server.origin, label: 'bad-context' });
      c.send({ type: 'hello', role: 'visitor', site_key: ctx.siteKey, context });
      const f = await c.next((x) => x.type === 'error' || x.type === 'welcome');
      assert.equal(f.type, 'error', `context ${JSON.stringify(context).slice(0, 50)} was accepted`);
      assert.equal(f.code, 'bad_frame');
      c.terminate();
    }
  });

  it('identify and attributes update the contact; agents receive it; later messages carry the name', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await visitor(server, ctx.siteKey, { context: { language: 'en-GB' }, label: 'identifying' });
    const before = await v.sendMessage('anonymous so far');
    const anon = await inbox.next(isMessage(1, before.conversation_id));
    assert.equal(anon.message.author.name, '');

    v.send({ type: 'identify', name: 'Maija Meikäläinen', email: 'maija@example.com' });
    const ev = await inbox.next({ type: 'contact', contact: { id: v.contact.id, name: 'Maija Meikäläinen' } });
    assert.equal(ev.contact.email, 'maija@example.com');
    assert.equal(ev.contact.site_id, ctx.site.id);
    assert.equal(ev.contact.attributes.language, 'en-GB');

    v.send({ type: 'attributes', attributes: { cart_total: '59.90 EUR', plan: 'pro' } });
    const ev2 = await inbox.next({ type: 'contact', contact: { id: v.contact.id, attributes: { plan: 'pro' } } });
    assert.equal(ev2.contact.attributes.cart_total, '59.90 EUR');
    assert.equal(ev2.contact.attributes.language, 'en-GB', 'attributes merge, they do not replace');
    assert.equal(ev2.contact.name, 'Maija Meikäläinen');

    // null removes a key; other keys stay.
    v.send({ type: 'attributes', attributes: { plan: null, cart_total: '0 EUR' } });
    const ev3 = await inbox.next({ type: 'contact', contact: { id: v.contact.id, attributes: { cart_total: '0 EUR' } } });
    assert.ok(!('plan' in ev3.contact.attributes), JSON.stringify(ev3.contact.attributes));
    assert.equal(ev3.contact.attributes.language, 'en-GB');

    // Each field of identify is optional: a name alone keeps the email.
    v.send({ type: 'identify', name: 'Maija M.' });
    const ev4 = await inbox.next({ type: 'contact', contact: { id: v.contact.id, name: 'Maija M.' } });
    assert.equal(ev4.contact.email, 'maija@example.com');

    const stored = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${v.contact.id}`), 200).contact;
    assert.equal(stored.name, 'Maija M.');
    assert.equal(stored.email, 'maija@example.com');
    assert.deepEqual(stored.attributes, ev4.contact.attributes);

    const after = await v.sendMessage('now you know me');
    const named = await inbox.next(isMessage(2, after.conversation_id));
    assert.deepEqual(named.message.author, { kind: 'visitor', id: v.contact.id, name: 'Maija M.' });
    await v.close();
    await inbox.close();
  });

  it('bad identify and attributes frames → bad_frame, nothing changes', async () => {
    const v = await visitor(server, ctx.siteKey, { label: 'bad-identity' });
    const bad = [
      { type: 'identify', name: 5 },
      { type: 'identify', name: 'n'.repeat(201) },
      { type: 'identify', email: { $gt: '' } },
      { type: 'attributes' },
      { type: 'attributes', attributes: 'plan=pro' },
      { type: 'attributes', attributes: ['pro'] },
      { type: 'attributes', attributes: { plan: 5 } },
      { type: 'attributes', attributes: { plan: { $gt: '' } } },
      { type: 'attributes', attributes: { ['k'.repeat(65)]: 'v' } },
      { type: 'attributes', attributes: { big: 'v'.repeat(1001) } },
      { type: 'attributes', attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`key${i}`, 'v'])) },
    ];
    for (const frame of bad) {
      v.send(frame);
      const err = await v.next('error');
      assert.equal(err.code, 'bad_frame', `${JSON.stringify(frame).slice(0, 80)} → ${JSON.stringify(err)}`);
      assert.equal(err.ref, frame.type);
    }
    const contact = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${v.contact.id}`), 200).contact;
    assert.equal(contact.name, '');
    assert.equal(contact.email, '');
    for (const k of Object.keys(contact.attributes)) {
      assert.ok(['language', 'timezone', 'screen', 'user_agent'].includes(k), `unexpected attribute ${k}`);
    }
    // An agent cannot use the visitor-only frames.
    const a = await agent(server, ctx.token, { label: 'agent-identify' });
    a.send({ type: 'identify', name: 'Not a visitor' });
    const err = await a.next('error');
    assert.ok(['bad_frame', 'unknown_type'].includes(err.code), JSON.stringify(err));
    await a.close();
    await v.close();
  });
});

describe('keep-alive', () => {
  it('ping → pong for visitors and agents', async () => {
    const v = await visitor(server, ctx.siteKey, { label: 'pinger' });
    const a = await agent(server, ctx.token, { label: 'agent-pinger' });
    for (const c of [v, a, v, a]) {
      c.send({ type: 'ping' });
      const pong = await c.next((f) => f.type === 'pong' || f.type === 'error');
      assert.equal(pong.type, 'pong', `${c.label}: ${JSON.stringify(pong)}`);
    }
    await v.close();
    await a.close();
  });
});
