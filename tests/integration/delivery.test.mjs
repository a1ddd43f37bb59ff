// Delivery guarantees: idempotent retries, resuming after a reconnect, paging, and
// durability of every acknowledged message across kill -9.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, uid, metric,
} from './lib/harness.mjs';

let server;
let ctx;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
});

const messagesOf = (conv) => (f) => f.type === 'message' && f.conversation_id === conv;

async function restMessages(srv, token, conv, query = 'after_seq=0&limit=500') {
  return expectStatus(await api(srv, token, 'GET', `/conversations/${conv}/messages?${query}`), 200);
}

describe('idempotent send', () => {
  it('a retry with the same client_id is stored once and acked as a duplicate', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await visitor(server, ctx.siteKey, { label: 'retrier' });
    const clientId = uid('dup');

    v.send({ type: 'send', client_id: clientId, body: 'Is this thing on?' });
    const first = await v.next({ type: 'ack', client_id: clientId });
    assert.equal(first.duplicate, false);
    assert.equal(first.seq, 1);
    const conv = first.conversation_id;
    await inbox.next((f) => messagesOf(conv)(f) && f.message.client_id === clientId);

    v.send({ type: 'send', client_id: clientId, body: 'Is this thing on?' });
    const second = await v.next({ type: 'ack', client_id: clientId });
    assert.equal(second.duplicate, true);
    assert.equal(second.message_id, first.message_id);
    assert.equal(second.seq, first.seq);
    assert.equal(second.conversation_id, conv);

    // A retry over a new connection (the ack was lost with the old one) is a duplicate too.
    await v.close();
    const v2 = await visitor(server, ctx.siteKey, { contactToken: v.contactToken, label: 'retrier-2' });
    v2.send({ type: 'send', client_id: clientId, body: 'Is this thing on?' });
    const third = await v2.next({ type: 'ack', client_id: clientId });
    assert.equal(third.duplicate, true);
    assert.equal(third.message_id, first.message_id);
    assert.equal(third.seq, 1);

    // Barrier: a new message from the same visitor; the duplicates (had they produced
    // events) would have been delivered before it.
    const next = await v2.sendMessage('second message');
    assert.equal(next.seq, 2);
    assert.equal(next.duplicate, false);
    await inbox.next((f) => messagesOf(conv)(f) && f.message.seq === 2);
    await v2.next((f) => messagesOf(conv)(f) && f.message.seq === 2);
    assert.equal(inbox.received((f) => messagesOf(conv)(f) && f.message.client_id === clientId).length, 1,
      'the agent got the duplicated message more than once');
    assert.equal(v2.received((f) => messagesOf(conv)(f) && f.message.client_id === clientId).length, 0,
      'the retry produced a message event');

    const stored = await restMessages(server, ctx.token, conv);
    assert.equal(stored.items.filter((m) => m.client_id === clientId).length, 1);
    assert.deepEqual(stored.items.map((m) => m.seq), [1, 2]);

    // The same client_id from a different author (the agent) is a different message.
    const agentAck = await inbox.sendMessage('agent reusing the id', { client_id: clientId, conversation_id: conv });
    assert.equal(agentAck.duplicate, false);
    assert.equal(agentAck.seq, 3);
    assert.notEqual(agentAck.message_id, first.message_id);
    await v2.close();
    await inbox.close();
  });
});

describe('resuming after a reconnect', () => {
  let conv;
  let contactToken;

  it('sync after the last seen seq returns exactly the missed messages, in order', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await visitor(server, ctx.siteKey, { label: 'leaver' });
    contactToken = v.contactToken;
    const ack = await v.sendMessage('I will be right back');
    conv = ack.conversation_id;
    await v.next((f) => messagesOf(conv)(f) && f.message.seq === 1);
    const lastSeen = 1;
    await v.close();

    const bodies = ['missed one', 'missed two', 'missed three'];
    for (const [i, body] of bodies.entries()) {
      const a = await inbox.sendMessage(body, { conversation_id: conv });
      assert.equal(a.seq, i + 2);
    }

    const back = await visitor(server, ctx.siteKey, { contactToken, label: 'returner' });
    assert.equal(back.conversation.id, conv);
    assert.equal(back.conversation.last_seq, 4);
    back.send({ type: 'sync', conversation_id: conv, after_seq: lastSeen });
    const hist = await back.next({ type: 'history', conversation_id: conv });
    assert.deepEqual(hist.messages.map((m) => m.seq), [2, 3, 4]);
    assert.deepEqual(hist.messages.map((m) => m.body), bodies);
    assert.ok(hist.messages.every((m) => m.author.kind === 'agent' && m.author.id === ctx.admin.agent.id));
    assert.ok(hist.messages.every((m) => m.conversation_id === conv));
    assert.equal(hist.has_more, false);
    assert.ok(Array.isArray(hist.read_marks));
    await back.close();
    await inbox.close();
  });

  it('sync pages with limit and has_more, with no gaps or repeats', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    await inbox.sendMessage('number five', { conversation_id: conv });
    const v = await visitor(server, ctx.siteKey, { contactToken, label: 'pager' });

    const pages = [];
    let after = 0;
    for (let i = 0; i < 10; i++) {
      v.send({ type: 'sync', conversation_id: conv, after_seq: after, limit: 2 });
      const h = await v.next({ type: 'history', conversation_id: conv });
      pages.push({ seqs: h.messages.map((m) => m.seq), has_more: h.has_more });
      if (!h.has_more) break;
      after = h.messages.at(-1).seq;
    }
    assert.deepEqual(pages, [
      { seqs: [1, 2], has_more: true },
      { seqs: [3, 4], has_more: true },
      { seqs: [5], has_more: false },
    ]);

    // Nothing after the last message.
    v.send({ type: 'sync', conversation_id: conv, after_seq: 5 });
    const empty = await v.next({ type: 'history', conversation_id: conv });
    assert.deepEqual(empty.messages, []);
    assert.equal(empty.has_more, false);
    await v.close();
    await inbox.close();
  });

  it('the REST messages endpoint pages the same way', async () => {
    const p1 = await restMessages(server, ctx.token, conv, 'after_seq=0&limit=2');
    assert.deepEqual(p1.items.map((m) => m.seq), [1, 2]);
    assert.equal(p1.has_more, true);
    const p2 = await restMessages(server, ctx.token, conv, 'after_seq=2&limit=2');
    assert.deepEqual(p2.items.map((m) => m.seq), [3, 4]);
    assert.equal(p2.has_more, true);
    const p3 = await restMessages(server, ctx.token, conv, 'after_seq=4&limit=2');
    assert.deepEqual(p3.items.map((m) => m.seq), [5]);
    assert.equal(p3.has_more, false);
    // With nothing (or only before_seq): the latest page, ascending.
    const latest = await restMessages(server, ctx.token, conv, 'limit=2');
    assert.deepEqual(latest.items.map((m) => m.seq), [4, 5]);
    const before = await restMessages(server, ctx.token, conv, 'before_seq=4&limit=2');
    assert.deepEqual(before.items.map((m) => m.seq), [2, 3]);
    const all = await restMessages(server, ctx.token, conv, '');
    assert.deepEqual(all.items.map((m) => m.seq), [1, 2, 3, 4, 5]);
    assert.equal(all.has_more, false);
  });
});

describe('slow consumers', () => {
  it('a client that does not read is closed with 1013 and resumes with sync', async () => {
    const inbox = await agent(server, ctx.token, { label: 'flooder' });
    const v = await visitor(server, ctx.siteKey, { label: 'sleeper' });
    const { conversation_id: conv } = await v.sendMessage('I will stop reading now');
    v.pauseReading();
    // ~30 MB of events: far more than the kernel buffers plus the 1,024-frame queue.
    const body = 'z'.repeat(9_900);
    const total = 3000;
    const slowBefore = await metric(server, 'juttu_slow_consumers_closed_total');
    let dropped = false;
    for (let sent = 0; sent < total;) {
      let last;
      for (let i = 0; i < 50; i++, sent++) {
        last = uid('flood');
        inbox.send({ type: 'send', client_id: last, conversation_id: conv, body });
      }
      const ack = await inbox.next((f) => (f.type === 'ack' && f.client_id === last) || f.type === 'error', 15000);
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      inbox.forget();
      // Read again as soon as the server has decided to close it: the close frame waits
      // behind what the kernel buffers hold, and the socket is aborted after 5 s.
      if (!dropped && await metric(server, 'juttu_slow_consumers_closed_total') > slowBefore) {
        dropped = true;
        v.resumeReading();
      }
    }
    assert.ok(dropped, 'the visitor that stopped reading was never closed as a slow consumer');
    assert.ok(inbox.isOpen, 'the agent that kept reading was closed');
    const { code } = await v.waitClosed(10000);
    assert.equal(code, 1013);

    // What it got before the close is a gap-free prefix; sync brings the rest.
    const got = v.received((f) => f.type === 'message' && f.conversation_id === conv).map((f) => f.message.seq);
    got.forEach((seq, i) => assert.equal(seq, got[0] + i, 'events arrived out of order or with gaps'));
    let after = got.length ? got.at(-1) : 1;
    v.forget();
    const back = await visitor(server, ctx.siteKey, { contactToken: v.contactToken, label: 'sleeper-back' });
    assert.equal(back.conversation.last_seq, total + 1);
    const missed = [];
    for (let i = 0; i < 20; i++) {
      back.send({ type: 'sync', conversation_id: conv, after_seq: after, limit: 500 });
      const h = await back.next({ type: 'history', conversation_id: conv }, 10000);
      missed.push(...h.messages.map((m) => m.seq));
      back.forget();
      if (!h.has_more) break;
      after = h.messages.at(-1).seq;
    }
    const firstMissed = (got.length ? got.at(-1) : 1) + 1;
    assert.equal(missed.length, total + 2 - firstMissed);
    missed.forEach((seq, i) => assert.equal(seq, firstMissed + i));
    await back.close();
    await inbox.close();
  });
});

describe('durability', () => {
  it('every acknowledged message survives kill -9, with its seq', async () => {
    const srv = await startServer();
    const d = await demo(srv);
    const inbox = await agent(srv, d.token, { label: 'inbox' });
    const senders = [
      { client: await visitor(srv, d.siteKey, { label: 'burst-1' }), count: 50 },
      { client: await visitor(srv, d.siteKey, { label: 'burst-2' }), count: 20 },
    ];
    // A burst from two visitors at once, without waiting between sends.
    for (const s of senders) {
      s.sent = [];
      for (let i = 0; i < s.count; i++) {
        const clientId = uid(`k${i}`);
        const body = `burst message ${i} ${clientId}`;
        s.sent.push({ clientId, body });
      }
    }
    for (let i = 0; i < 50; i++) {
      for (const s of senders) {
        if (i < s.count) s.client.send({ type: 'send', client_id: s.sent[i].clientId, body: s.sent[i].body });
      }
    }
    const acks = await Promise.all(senders.map((s) => Promise.all(s.sent.map(({ clientId }) =>
      s.client.next((f) => (f.type === 'ack' && f.client_id === clientId) || (f.type === 'error' && f.ref === clientId), 20000)))));
    const killed = await srv.kill9();
    assert.equal(killed.signal, 'SIGKILL', 'the server must die by SIGKILL, not exit on its own');

    for (const [i, s] of senders.entries()) {
      for (const a of acks[i]) assert.equal(a.type, 'ack', JSON.stringify(a));
      s.acks = acks[i];
      s.conv = acks[i][0].conversation_id;
      assert.ok(s.acks.every((a) => a.conversation_id === s.conv), 'one visitor, one conversation');
      assert.ok(s.acks.every((a) => a.duplicate === false));
      assert.deepEqual(s.acks.map((a) => a.seq).sort((x, y) => x - y), Array.from({ length: s.count }, (_, k) => k + 1),
        `${s.client.label}: seqs are not 1..${s.count}`);
    }
    assert.notEqual(senders[0].conv, senders[1].conv);
    inbox.terminate();

    const again = await srv.restart();
    const d2 = await demo(again);
    for (const s of senders) {
      const byClient = new Map(s.sent.map((m, k) => [m.clientId, { ...m, ack: s.acks[k] }]));
      const check = (items, via) => {
        assert.equal(items.length, s.count, `${via}: ${items.length} of ${s.count} messages`);
        assert.deepEqual(items.map((m) => m.seq), Array.from({ length: s.count }, (_, k) => k + 1), `${via}: seqs`);
        for (const m of items) {
          const sent = byClient.get(m.client_id);
          assert.ok(sent, `${via}: unexpected message ${JSON.stringify(m)}`);
          assert.equal(m.seq, sent.ack.seq, `${via}: ${m.client_id} changed its seq`);
          assert.equal(m.id, sent.ack.message_id, `${via}: ${m.client_id} changed its id`);
          assert.equal(m.body, sent.body);
          assert.equal(m.conversation_id, s.conv);
        }
      };
      const rest = await restMessages(again, d2.token, s.conv);
      check(rest.items, `REST ${s.client.label}`);
      assert.equal(rest.has_more, false);

      const back = await visitor(again, d2.siteKey, { contactToken: s.client.contactToken, label: `${s.client.label}-back` });
      assert.equal(back.conversation.id, s.conv);
      assert.equal(back.conversation.last_seq, s.count);
      back.send({ type: 'sync', conversation_id: s.conv, after_seq: 0, limit: 500 });
      const hist = await back.next({ type: 'history', conversation_id: s.conv });
      check(hist.messages, `sync ${s.client.label}`);
      assert.equal(hist.has_more, false);

      // Numbering carries on after the restart.
      const ack = await back.sendMessage('after the crash');
      assert.equal(ack.conversation_id, s.conv);
      assert.equal(ack.seq, s.count + 1);
      await back.close();
    }
    await again.stop();
  });
});
