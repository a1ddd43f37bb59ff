// The HTTP long-poll transport: the real-time protocol over POST /rt/open, /rt/poll and
// /rt/send, with the socket's semantics (docs/protocol.md, "The HTTP transport").
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, agent, visitor, uid, eventually,
} from './lib/harness.mjs';
import { rt, openPoll, pollVisitor, pollAgent } from './lib/longpoll.mjs';

let server;
let ctx;

before(async () => {
  server = await startServer({ env: { JUTTU_WS_IDLE_TIMEOUT: '2' } });
  ctx = await demo(server);
});

const messageIn = (conv, clientId) => (f) =>
  f.type === 'message' && f.conversation_id === conv && f.message.client_id === clientId;

describe('chatting over the HTTP transport', () => {
  it('hello, a send acked once stored, and the agent on a socket answering back', async () => {
    const inbox = await agent(server, ctx.token, { label: 'inbox' });
    const v = await pollVisitor(server, ctx.siteKey);
    assert.equal(typeof v.contactToken, 'string');
    const ack = await v.sendMessage('Hello over HTTP');
    assert.equal(ack.seq, 1);
    assert.equal(ack.duplicate, false);
    const conv = ack.conversation_id;
    // Acked means stored.
    const stored = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}/messages?after_seq=0`), 200);
    assert.deepEqual(stored.items.map((m) => m.body), ['Hello over HTTP']);
    await inbox.next(messageIn(conv, ack.client_id));

    const reply = await inbox.sendMessage('Hello from a socket', { conversation_id: conv });
    const got = await v.next(messageIn(conv, reply.client_id));
    assert.equal(got.message.body, 'Hello from a socket');
    v.stop();
    await inbox.close();
  });

  it('a retry with the same client_id is a duplicate, stored once', async () => {
    const v = await pollVisitor(server, ctx.siteKey, { label: 'retrier' });
    const clientId = uid('dup');
    const first = await v.sendMessage('once', { client_id: clientId });
    const second = await v.sendMessage('once', { client_id: clientId });
    assert.equal(second.duplicate, true);
    assert.equal(second.message_id, first.message_id);
    const stored = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${first.conversation_id}/messages?after_seq=0`), 200);
    assert.equal(stored.items.filter((m) => m.client_id === clientId).length, 1);
    v.stop();
  });

  it('a batch of frames in one POST is handled in order', async () => {
    const v = await pollVisitor(server, ctx.siteKey, { label: 'batcher' });
    const ids = [uid('b'), uid('b'), uid('b')];
    const res = await v.post(...ids.map((client_id, i) => ({ type: 'send', client_id, body: `batch ${i}` })));
    assert.equal(res.status, 204);
    const acks = [];
    for (const id of ids) acks.push(await v.next({ type: 'ack', client_id: id }));
    assert.deepEqual(acks.map((a) => a.seq), [1, 2, 3]);
    v.stop();
  });

  it('typing reaches the other side both ways', async () => {
    const inbox = await agent(server, ctx.token, { label: 'typist-agent' });
    const v = await pollVisitor(server, ctx.siteKey, { label: 'typist' });
    const { conversation_id: conv } = await v.sendMessage('let me type');
    v.send({ type: 'typing', conversation_id: conv, active: true });
    const seen = await inbox.next((f) => f.type === 'typing' && f.conversation_id === conv);
    assert.equal(seen.active, true);
    assert.equal(seen.author.kind, 'visitor');
    inbox.send({ type: 'typing', conversation_id: conv, active: true });
    const back = await v.next((f) => f.type === 'typing' && f.conversation_id === conv);
    assert.equal(back.author.kind, 'agent');
    v.stop();
    await inbox.close();
  });

  it('an agent can use it too', async () => {
    const a = await pollAgent(server, ctx.token);
    assert.equal(a.welcome.agent.email, 'admin@example.com');
    const v = await visitor(server, ctx.siteKey, { label: 'ws-visitor' });
    const ack = await v.sendMessage('to the polling agent');
    await a.next(messageIn(ack.conversation_id, ack.client_id));
    const reply = await a.sendMessage('from the polling agent', { conversation_id: ack.conversation_id });
    await v.next(messageIn(ack.conversation_id, reply.client_id));
    a.stop();
    await v.close();
  });
});

describe('delivery by cursor', () => {
  it('a lost poll response is sent again, and nothing comes twice', async () => {
    const inbox = await agent(server, ctx.token, { label: 'lossy-agent' });
    const v = await pollVisitor(server, ctx.siteKey, { label: 'lossy' });
    const { conversation_id: conv } = await v.sendMessage('start');
    await inbox.next((f) => f.type === 'message' && f.conversation_id === conv);
    // The next response is lost on the way: the client asks again from the same cursor.
    v.loseNext = 1;
    const reply = await inbox.sendMessage('do not lose me', { conversation_id: conv });
    const got = await v.next(messageIn(conv, reply.client_id));
    assert.equal(got.message.seq, reply.seq);
    assert.equal(v.loseNext, 0, 'a response was dropped');
    const barrier = await inbox.sendMessage('barrier', { conversation_id: conv });
    await v.next(messageIn(conv, barrier.client_id));
    assert.equal(v.received(messageIn(conv, reply.client_id)).length, 1, 'delivered twice');
    v.stop();
    await inbox.close();
  });

  it('a new session resumes by seq with sync: exactly what was missed', async () => {
    const inbox = await agent(server, ctx.token, { label: 'resume-agent' });
    const v = await pollVisitor(server, ctx.siteKey, { label: 'resumer' });
    const first = await v.sendMessage('before the drop');
    const conv = first.conversation_id;
    v.stop();  // the page lost its connection
    const missed = [];
    for (const body of ['missed one', 'missed two']) {
      missed.push(await inbox.sendMessage(body, { conversation_id: conv }));
    }
    const again = await pollVisitor(server, ctx.siteKey, { contactToken: v.contactToken, label: 'resumed' });
    assert.equal(again.conversation.id, conv);
    again.send({ type: 'sync', conversation_id: conv, after_seq: first.seq });
    const history = await again.next({ type: 'history', conversation_id: conv });
    assert.deepEqual(history.messages.map((m) => m.seq), missed.map((m) => m.seq));
    assert.equal(history.has_more, false);
    again.stop();
    await inbox.close();
  });

  it('an ack before the frames kept or past the last one is refused', async () => {
    const p = await openPoll(server, { origin: server.origin, label: 'cursor' });
    p.stop();
    const res = await rt(server, `/rt/poll?session=${p.session}&ack=99`, { origin: server.origin });
    expectStatus(res, 400, 'bad_cursor');
    const bad = await rt(server, `/rt/poll?session=${p.session}&ack=-1`, { origin: server.origin });
    expectStatus(bad, 400, 'bad_request');
  });
});

describe('refusals', () => {
  it('an unknown session id answers 404', async () => {
    expectStatus(await rt(server, '/rt/poll?session=ps_nosuchsession0000000000&ack=0', { origin: server.origin }), 404, 'unknown_session');
    expectStatus(await rt(server, '/rt/send?session=ps_nosuchsession0000000000', { origin: server.origin, body: '{"type":"ping"}' }), 404, 'unknown_session');
    expectStatus(await rt(server, '/rt/poll?ack=0', { origin: server.origin }), 400, 'bad_request');
    expectStatus(await rt(server, '/rt/poll?session=ps_nosuchsession0000000000&ack=0', { origin: server.origin, body: '' }), 404, 'unknown_session');
    expectStatus(await rt(server, '/rt/nothing', { origin: server.origin }), 404, 'not_found');
  });

  it('a session answers only the origin that opened it', async () => {
    const v = await pollVisitor(server, ctx.siteKey, { label: 'bound' });
    const res = await rt(server, `/rt/poll?session=${v.session}&ack=0`, { origin: 'https://evil.example' });
    expectStatus(res, 403, 'origin_not_allowed');
    const sent = await rt(server, `/rt/send?session=${v.session}`, {
      origin: 'https://evil.example', body: JSON.stringify({ type: 'send', client_id: uid('x'), body: 'hijack' }),
    });
    expectStatus(sent, 403, 'origin_not_allowed');
    assert.equal(sent.headers.get('access-control-allow-origin'), null);
    // The session itself is unharmed.
    await v.sendMessage('still mine');
    v.stop();
  });

  it('a hello from an origin the site does not allow is refused and the session closed 1008', async () => {
    const p = await openPoll(server, { origin: 'https://evil.example', label: 'evil' });
    p.send({ type: 'hello', role: 'visitor', site_key: ctx.siteKey });
    const error = await p.next('error');
    assert.equal(error.code, 'origin_not_allowed');
    const closed = await p.waitClosed();
    assert.equal(closed.code, 1008);
    // Closed and delivered: the session is gone.
    await eventually(async () => (await rt(server, `/rt/poll?session=${p.session}&ack=${p.cursor}`, { origin: 'https://evil.example' })).status === 404,
      { what: 'the closed session to be forgotten' });
  });

  it('GET is refused; frames past the limits answer 413 and change nothing', async () => {
    const res = await fetch(`${server.url}/rt/open`, { headers: { Origin: server.origin } });
    assert.equal(res.status, 405);
    const v = await pollVisitor(server, ctx.siteKey, { label: 'limits' });
    const many = Array.from({ length: 65 }, () => ({ type: 'ping' }));
    expectStatus(await v.post(...many), 413, 'payload_too_large');
    const big = JSON.stringify({ type: 'send', client_id: uid('big'), body: 'x'.repeat(70 * 1024) });
    expectStatus(await v.post(big), 413, 'payload_too_large');
    // A frame too long for a message is refused by the protocol, as on a socket.
    const clientId = uid('long');
    v.send({ type: 'send', client_id: clientId, body: 'x'.repeat(10001) });
    const refused = await v.next({ type: 'error', ref: clientId });
    assert.equal(refused.code, 'bad_frame');
    v.stop();
  });

  it('a session with nobody polling expires like a socket that went away', async () => {
    // Opened and never polled; the server's idle timeout is 2 s here.
    const opened = await rt(server, '/rt/open', { origin: server.origin });
    const session = opened.body.session;
    expectStatus(await rt(server, `/rt/send?session=${session}`, { origin: server.origin, body: '{"type":"ping"}' }), 204);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expectStatus(await rt(server, `/rt/poll?session=${session}&ack=0`, { origin: server.origin }), 404, 'unknown_session');
  });
});

describe('CORS', () => {
  it('the preflight and the answers name the page origin and vary on it', async () => {
    const pre = await fetch(`${server.url}/rt/open`, {
      method: 'OPTIONS',
      headers: { Origin: server.origin, 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), server.origin);
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    assert.match(pre.headers.get('vary'), /Origin/);
    const opened = await rt(server, '/rt/open', { origin: server.origin });
    assert.equal(opened.headers.get('access-control-allow-origin'), server.origin);
    assert.match(opened.headers.get('vary'), /Origin/);
    assert.equal(opened.headers.get('x-content-type-options'), 'nosniff');
  });
});

describe('limits on sessions', () => {
  it('one address opens at most 20 sessions at once', async () => {
    const limited = await startServer();
    const origin = limited.origin;
    const opened = [];
    for (;;) {
      const res = await rt(limited, '/rt/open', { origin });
      if (res.status !== 200) {
        expectStatus(res, 429, 'rate_limited');
        assert.ok(res.headers.get('retry-after'));
        break;
      }
      opened.push(res.body.session);
      assert.ok(opened.length <= 20, 'more than 20 sessions opened');
    }
    assert.equal(opened.length, 20);
    await limited.stop();
  });
});
