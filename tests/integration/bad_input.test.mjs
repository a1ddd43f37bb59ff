// Hostile and broken input over WebSocket and REST: every refusal has the documented
// error code (and close code), and nothing is stored.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, connectWs, expectError, uid, login, runCli,
  ADMIN_EMAIL, ADMIN_PASSWORD,
} from './lib/harness.mjs';

let server;
let ctx;
let idle; // a socket that never says hello; checked by the last test

before(async () => {
  server = await startServer();
  idle = await connectWs(server, { origin: server.origin, label: 'idle' });
  ctx = await demo(server);
});

async function conversationIds() {
  const ids = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const q = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = expectStatus(await api(server, ctx.token, 'GET', `/conversations?${q}`), 200);
    ids.push(...page.items.map((c) => c.id));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return ids.sort((a, b) => a - b);
}

async function storedMessages(conv) {
  return expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}/messages?after_seq=0&limit=500`), 200).items;
}

describe('WebSocket: broken frames are answered with errors and change nothing', () => {
  let v;      // a visitor with a conversation holding one message
  let a;      // an agent
  let conv;

  before(async () => {
    v = await visitor(server, ctx.siteKey, { label: 'visitor' });
    a = await agent(server, ctx.token, { label: 'agent' });
    conv = (await v.sendMessage('the only real message')).conversation_id;
  });

  it('malformed JSON and non-object frames → invalid_json, socket stays open', async () => {
    for (const raw of ['{"type":"send",', 'not json at all', '', '[1,2,3]', '["send"]', '"send"', '42', 'null', 'true']) {
      await expectError(v, raw, 'invalid_json');
    }
    await v.roundTrip();
    assert.ok(v.isOpen);
  });

  it('unknown frame type → unknown_type with ref = the type', async () => {
    await expectError(v, { type: 'launch_missiles' }, 'unknown_type', { ref: 'launch_missiles' });
    await expectError(a, { type: 'delete_everything', conversation_id: conv }, 'unknown_type', { ref: 'delete_everything' });
  });

  it('a frame without a string type is refused', async () => {
    for (const frame of [{}, { type: 5 }, { type: null }, { type: { $gt: '' } }, { body: 'hi', client_id: 'x' }]) {
      v.send(frame);
      const err = await v.next('error');
      assert.ok(['bad_frame', 'unknown_type', 'invalid_json'].includes(err.code), `${JSON.stringify(frame)} → ${JSON.stringify(err)}`);
    }
    await v.roundTrip();
  });

  it('send with wrong field types → bad_frame (ref = client_id when it is valid)', async () => {
    const cases = [
      [{ body: { text: 'hi' } }, true],
      [{ body: { $gt: '' } }, true],
      [{ body: 5 }, true],
      [{ body: null }, true],
      [{ body: ['hi'] }, true],
      [{ body: true }, true],
      [{ client_id: 123 }, false],
      [{ client_id: { $gt: '' } }, false],
      [{ client_id: null }, false],
      [{ client_id: ['a'] }, false],
    ];
    for (const [override, refIsClientId] of cases) {
      const clientId = uid('bad');
      const frame = { type: 'send', client_id: clientId, body: 'hello', ...override };
      const err = await expectError(v, frame, 'bad_frame', refIsClientId ? { ref: clientId } : {});
      assert.equal(typeof err.message, 'string');
    }
  });

  it('send with missing fields or values out of range → bad_frame', async () => {
    const bad = [
      { type: 'send', body: 'no client id' },
      { type: 'send', client_id: uid('nobody') },
      { type: 'send', client_id: '', body: 'empty client id' },
      { type: 'send', client_id: 'has space', body: 'x' },
      { type: 'send', client_id: 'semi;colon', body: 'x' },
      { type: 'send', client_id: 'ünïcode', body: 'x' },
      { type: 'send', client_id: 'x'.repeat(65), body: 'x' },
      { type: 'send', client_id: uid('blank'), body: '' },
      { type: 'send', client_id: uid('blank'), body: '   \n\t  ' },
      { type: 'send', client_id: uid('long'), body: 'a'.repeat(10001) },
      { type: 'send', client_id: uid('long'), body: 'é'.repeat(5001) }, // 10,002 bytes
      // NUL and control characters other than newline and tab
      { type: 'send', client_id: uid('ctl'), body: '\u0000' },
      { type: 'send', client_id: uid('ctl'), body: 'a\u0000b' },
      { type: 'send', client_id: uid('ctl'), body: 'bell\u0007' },
      { type: 'send', client_id: uid('ctl'), body: 'esc\u001b[31m' },
      { type: 'send', client_id: uid('ctl'), body: 'cr\rlf' },
      { type: 'send', client_id: uid('ctl'), body: 'del\u007f' },
      { type: 'send', client_id: uid('ctl'), body: 'c1\u0085' },
    ];
    for (const frame of bad) await expectError(v, frame, 'bad_frame');
  });

  it('agent frames with a bad conversation_id → bad_frame; a missing conversation → not_found', async () => {
    const cid = () => uid('ag');
    let id = cid();
    await expectError(a, { type: 'send', client_id: id, conversation_id: String(conv), body: 'x' }, 'bad_frame', { ref: id });
    id = cid();
    await expectError(a, { type: 'send', client_id: id, conversation_id: { $gt: '' }, body: 'x' }, 'bad_frame', { ref: id });
    id = cid();
    await expectError(a, { type: 'send', client_id: id, conversation_id: null, body: 'x' }, 'bad_frame', { ref: id });
    id = cid();
    await expectError(a, { type: 'send', client_id: id, body: 'agents must name the conversation' }, 'bad_frame', { ref: id });
    id = cid();
    await expectError(a, { type: 'send', client_id: id, conversation_id: 987654321, body: 'x' }, 'not_found', { ref: id });

    await expectError(a, { type: 'sync', conversation_id: String(conv), after_seq: 0 }, 'bad_frame', { ref: 'sync' });
    await expectError(a, { type: 'sync', conversation_id: { $gt: '' }, after_seq: 0 }, 'bad_frame', { ref: 'sync' });
    await expectError(a, { type: 'sync', conversation_id: conv, after_seq: '0' }, 'bad_frame', { ref: 'sync' });
    await expectError(a, { type: 'sync', conversation_id: conv, after_seq: 0, limit: 0 }, 'bad_frame', { ref: 'sync' });
    await expectError(a, { type: 'sync', conversation_id: conv, after_seq: 0, limit: 501 }, 'bad_frame', { ref: 'sync' });
    await expectError(a, { type: 'sync', conversation_id: conv, after_seq: 0, limit: '10' }, 'bad_frame', { ref: 'sync' });
    await expectError(a, { type: 'sync', conversation_id: 987654321, after_seq: 0 }, 'not_found', { ref: 'sync' });
    await expectError(a, { type: 'read', conversation_id: conv, seq: '1' }, 'bad_frame', { ref: 'read' });
    await expectError(a, { type: 'read', conversation_id: String(conv), seq: 1 }, 'bad_frame', { ref: 'read' });
    await expectError(a, { type: 'typing', conversation_id: conv, active: 'yes' }, 'bad_frame', { ref: 'typing' });
    await expectError(a, { type: 'typing', conversation_id: String(conv), active: true }, 'bad_frame', { ref: 'typing' });
    await a.roundTrip();
  });

  it('visitor sync/read/typing with wrong types → bad_frame', async () => {
    await expectError(v, { type: 'sync', conversation_id: String(conv), after_seq: 0 }, 'bad_frame', { ref: 'sync' });
    await expectError(v, { type: 'sync', conversation_id: conv, after_seq: { $gt: '' } }, 'bad_frame', { ref: 'sync' });
    await expectError(v, { type: 'read', conversation_id: conv, seq: null }, 'bad_frame', { ref: 'read' });
    await expectError(v, { type: 'typing', active: 1 }, 'bad_frame', { ref: 'typing' });
  });

  it('bad page views → bad_frame and nothing recorded', async () => {
    const bad = [
      { type: 'page_view' },
      { type: 'page_view', url: 5 },
      { type: 'page_view', url: { $gt: '' } },
      { type: 'page_view', url: 'javascript:alert(1)' },
      { type: 'page_view', url: 'ftp://shop.example/file' },
      { type: 'page_view', url: '/relative/path' },
      { type: 'page_view', url: `https://shop.example/${'a'.repeat(2048)}` },
      { type: 'page_view', url: 'https://shop.example/', title: 't'.repeat(513) },
      { type: 'page_view', url: 'https://shop.example/', title: 7 },
      { type: 'page_view', url: 'https://shop.example/', referrer: `https://r.example/${'r'.repeat(2048)}` },
    ];
    for (const frame of bad) await expectError(v, frame, 'bad_frame', { ref: 'page_view' });
    await v.roundTrip();
    const contact = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${v.contact.id}`), 200);
    assert.deepEqual(contact.page_views, []);
    assert.equal(a.received('page_view').length, 0);
  });

  it('after all that, the conversation still holds only the one real message', async () => {
    const items = await storedMessages(conv);
    assert.deepEqual(items.map((m) => [m.seq, m.body]), [[1, 'the only real message']]);
    const detail = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}`), 200);
    assert.equal(detail.conversation.last_seq, 1);
    // and the next good message takes seq 2: no sequence number was used up
    const ack = await v.sendMessage('a good one');
    assert.equal(ack.seq, 2);
    assert.equal(ack.conversation_id, conv);
  });

  it('boundaries: a 10,000-byte body and a 64-character client_id of every allowed kind are accepted', async () => {
    const body = 'é'.repeat(5000); // exactly 10,000 bytes
    const ack = await v.sendMessage(body);
    assert.equal(ack.seq, 3);
    const clientId = `AZaz09-_.:${'x'.repeat(54)}`;
    assert.equal(clientId.length, 64);
    const ack2 = await v.sendMessage('edge client id', { client_id: clientId });
    assert.equal(ack2.seq, 4);
    const items = await storedMessages(conv);
    assert.equal(items[2].body, body);
    assert.equal(items[3].client_id, clientId);
  });

  it('a visitor without a conversation who sends only bad frames gets no conversation', async () => {
    const before = await conversationIds();
    const fresh = await visitor(server, ctx.siteKey, { label: 'fresh' });
    await expectError(fresh, { type: 'send', client_id: uid('f'), body: { $gt: '' } }, 'bad_frame');
    await expectError(fresh, { type: 'send', client_id: uid('f'), body: '   ' }, 'bad_frame');
    await expectError(fresh, { type: 'send', client_id: 42, body: 'hi' }, 'bad_frame');
    await fresh.close();
    const again = await visitor(server, ctx.siteKey, { contactToken: fresh.contactToken, label: 'fresh-again' });
    assert.equal(again.conversation, null);
    await again.close();
    assert.deepEqual(await conversationIds(), before);
  });
});

describe('WebSocket: refusals that close the socket', () => {
  it('a frame larger than 64 KiB closes the socket with 1009 and stores nothing', async () => {
    const v = await visitor(server, ctx.siteKey, { label: 'big' });
    const conv = (await v.sendMessage('small first')).conversation_id;
    // Just under the frame limit: refused as a bad frame, the socket stays.
    await expectError(v, { type: 'send', client_id: uid('big'), body: 'b'.repeat(60 * 1024) }, 'bad_frame');
    await v.roundTrip();
    v.send({ type: 'send', client_id: uid('huge'), body: 'h'.repeat(70 * 1024) });
    const { code } = await v.waitClosed();
    assert.equal(code, 1009);
    const items = await storedMessages(conv);
    assert.deepEqual(items.map((m) => m.body), ['small first']);
  });

  it('a binary frame is refused (error frame or close) and stores nothing', async () => {
    const v = await visitor(server, ctx.siteKey, { label: 'binary' });
    const conv = (await v.sendMessage('text first')).conversation_id;
    v.send(Buffer.from(JSON.stringify({ type: 'send', client_id: uid('bin'), body: 'sent as binary' })));
    const outcome = await Promise.race([
      v.next('error').then((f) => ({ error: f })),
      v.closed.then((c) => ({ closed: c })),
    ].map((p) => p.catch((e) => ({ failure: e }))));
    assert.ok(outcome.error || (outcome.closed && ![1000, 1006].includes(outcome.closed.code)),
      `binary frame not refused: ${JSON.stringify(outcome)}`);
    assert.equal(v.received('ack').length, 1);
    assert.deepEqual((await storedMessages(conv)).map((m) => m.body), ['text first']);
  });

  it('a first frame that is not hello → unauthenticated, close 1008', async () => {
    for (const frame of [{ type: 'ping' }, { type: 'send', client_id: 'x1', body: 'hi' }, { type: 'sync', conversation_id: 1, after_seq: 0 }]) {
      const c = await connectWs(server, { origin: server.origin, label: 'no-hello' });
      await expectError(c, frame, 'unauthenticated', { closeCode: 1008 });
    }
  });

  it('an unknown agent token → bad_token, close 1008', async () => {
    for (const token of ['st_definitely-not-a-session-token', '', 'x'.repeat(300)]) {
      const c = await connectWs(server, { label: 'bad-token' });
      await expectError(c, { type: 'hello', role: 'agent', token }, 'bad_token', { closeCode: 1008 });
    }
  });

  it('a malformed hello is refused with bad_frame and never welcomed', async () => {
    const cases = [
      { type: 'hello', role: 'root', token: ctx.token },
      { type: 'hello', role: 5, site_key: ctx.siteKey },
      { type: 'hello', role: 'visitor', site_key: 12345 },
      { type: 'hello', role: 'visitor', site_key: { $gt: '' } },
      { type: 'hello', role: 'visitor', site_key: ctx.siteKey, contact_token: 42 },
      { type: 'hello', role: 'agent', token: { $gt: '' } },
      { type: 'hello', site_key: ctx.siteKey },
    ];
    for (const frame of cases) {
      const c = await connectWs(server, { origin: server.origin, label: 'bad-hello' });
      c.send(frame);
      const err = await c.next((f) => f.type === 'error' || f.type === 'welcome');
      assert.equal(err.type, 'error', `${JSON.stringify(frame)} was welcomed`);
      assert.equal(err.code, 'bad_frame', `${JSON.stringify(frame)} → ${JSON.stringify(err)}`);
      c.terminate();
    }
    // An agent hello without a token cannot succeed either.
    const c = await connectWs(server, { label: 'tokenless' });
    c.send({ type: 'hello', role: 'agent' });
    const err = await c.next((f) => f.type === 'error' || f.type === 'welcome');
    assert.ok(err.type === 'error' && ['bad_frame', 'bad_token'].includes(err.code), JSON.stringify(err));
  });

  it('an unknown site key → unknown_site, close 1008', async () => {
    const c = await connectWs(server, { origin: server.origin, label: 'unknown-site' });
    await expectError(c, { type: 'hello', role: 'visitor', site_key: 's_no_such_site_key_0000' }, 'unknown_site', { closeCode: 1008 });
  });

  it('an origin the site does not allow → origin_not_allowed, close 1008, no contact or conversation', async () => {
    // An existing contact, to see that a refused hello records no visit.
    const known = await visitor(server, ctx.siteKey, { label: 'known' });
    await known.close();
    const contactBefore = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${known.contact.id}`), 200).contact;
    const convsBefore = await conversationIds();

    const port = new URL(server.url).port;
    const origins = ['http://evil.example', `https://127.0.0.1:${port}`, `http://127.0.0.1:${Number(port) === 1 ? 2 : 1}`, 'null'];
    for (const origin of origins) {
      for (const contactToken of [undefined, known.contactToken]) {
        const c = await connectWs(server, { origin, label: `origin ${origin}` });
        const hello = { type: 'hello', role: 'visitor', site_key: ctx.siteKey };
        if (contactToken) hello.contact_token = contactToken;
        const err = await expectError(c, hello, 'origin_not_allowed', { closeCode: 1008 });
        assert.equal(err.contact_token, undefined);
        // Sending anyway is pointless: the socket is closed.
        assert.equal(c.received('welcome').length, 0);
      }
    }
    // No Origin header at all.
    const bare = await connectWs(server, { label: 'no-origin' });
    await expectError(bare, { type: 'hello', role: 'visitor', site_key: ctx.siteKey }, 'origin_not_allowed', { closeCode: 1008 });

    const contactAfter = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${known.contact.id}`), 200).contact;
    assert.equal(contactAfter.visits, contactBefore.visits, 'a refused hello counted a visit');
    assert.equal(contactAfter.last_seen, contactBefore.last_seen);
    assert.deepEqual(await conversationIds(), convsBefore);
  });
});

describe('REST: broken requests', () => {
  const errorShape = (res) => {
    assert.match(res.headers.get('content-type') || '', /application\/json/);
    assert.equal(typeof res.body.error.code, 'string');
    assert.equal(typeof res.body.error.message, 'string');
  };

  it('login: malformed → 400, wrong password or unknown e-mail → 401 invalid_credentials', async () => {
    let res = await api(server, null, 'POST', '/auth/login', '{"email": "admin@example.com", "password": ');
    expectStatus(res, 400, 'invalid_json');
    errorShape(res);
    res = await api(server, null, 'POST', '/auth/login', 'just text');
    expectStatus(res, 400, 'invalid_json');
    res = await api(server, null, 'POST', '/auth/login', '[1,2]');
    assert.equal(res.status, 400, res.text);
    assert.ok(['invalid_json', 'validation_failed'].includes(res.body.error.code), res.text);
    for (const body of [{}, { email: ADMIN_EMAIL }, { email: 5, password: ADMIN_PASSWORD },
      { email: { $gt: '' }, password: { $gt: '' } }, { email: ADMIN_EMAIL, password: { $ne: null } },
      { email: [ADMIN_EMAIL], password: ADMIN_PASSWORD }]) {
      res = await api(server, null, 'POST', '/auth/login', body);
      expectStatus(res, 400, 'validation_failed');
      errorShape(res);
    }
    res = await api(server, null, 'POST', '/auth/login', { email: ADMIN_EMAIL, password: 'wrong-password-123' });
    expectStatus(res, 401, 'invalid_credentials');
    res = await api(server, null, 'POST', '/auth/login', { email: 'nobody@example.com', password: ADMIN_PASSWORD });
    expectStatus(res, 401, 'invalid_credentials');
    await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  it('no, malformed or unknown bearer token → 401 unauthorized', async () => {
    for (const headers of [{}, { Authorization: 'Bearer' }, { Authorization: 'Bearer not-a-real-token' },
      { Authorization: `Basic ${Buffer.from(`${ADMIN_EMAIL}:${ADMIN_PASSWORD}`).toString('base64')}` },
      { Authorization: ctx.token }]) {
      for (const path of ['/me', '/conversations', '/sites', '/agents']) {
        const res = await api(server, null, 'GET', path, undefined, { headers });
        expectStatus(res, 401, 'unauthorized');
      }
    }
    // Tokens never travel in URLs.
    const res = await api(server, null, 'GET', `/me?token=${encodeURIComponent(ctx.token)}`);
    expectStatus(res, 401, 'unauthorized');
  });

  it('malformed JSON bodies → 400 invalid_json; wrong types → 400 validation_failed; nothing created', async () => {
    const sitesBefore = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items;
    const agentsBefore = expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200).items;

    let res = await api(server, ctx.token, 'POST', '/sites', '{"name": "Broken", "allowed_origins": [');
    expectStatus(res, 400, 'invalid_json');
    errorShape(res);
    const good = { name: 'Valid name', allowed_origins: ['https://valid.example'] };
    for (const override of [{ name: 123 }, { name: { $gt: '' } }, { name: null }, { allowed_origins: 'https://valid.example' },
      { allowed_origins: [5] }, { allowed_origins: ['ftp://valid.example'] }, { allowed_origins: ['https://valid.example/path'] },
      { allowed_origins: ['not an origin'] }, { color: 'blue' }, { color: '#12345' }, { greeting: 5 },
      { name: 'Shop\r\nBcc: victim@example.com' }, { name: 'Tab\tName' }, { name: 'Nul\u0000' },
      { name: 'Line\u2028separator' }, { greeting: 'Hi\u0000' }]) {
      res = await api(server, ctx.token, 'POST', '/sites', { ...good, ...override });
      expectStatus(res, 400, 'validation_failed');
    }
    res = await api(server, ctx.token, 'POST', '/sites', { allowed_origins: ['https://valid.example'] });
    expectStatus(res, 400, 'validation_failed');

    res = await api(server, ctx.token, 'POST', '/agents', '{"email":');
    expectStatus(res, 400, 'invalid_json');
    const agentOk = { email: 'new-agent@example.com', name: 'New', password: 'long-enough-pw' };
    for (const override of [{ email: { $gt: '' } }, { email: 'not-an-email' }, { email: 42 }, { password: 'short' },
      { password: 12345678 }, { name: ['x'] }, { role: 'root' }, { role: 1 }]) {
      res = await api(server, ctx.token, 'POST', '/agents', { ...agentOk, ...override });
      expectStatus(res, 400, 'validation_failed');
    }

    for (const patch of [{ disabled: 'yes' }, { role: 'root' }, { name: 5 }, { password: 'short' }]) {
      res = await api(server, ctx.token, 'PATCH', `/agents/${ctx.admin.agent.id}`, patch);
      expectStatus(res, 400, 'validation_failed');
    }
    res = await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { color: 'nope' });
    expectStatus(res, 400, 'validation_failed');
    res = await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { allowed_origins: [{ $gt: '' }] });
    expectStatus(res, 400, 'validation_failed');
    res = await api(server, ctx.token, 'POST', '/me/password', { current_password: ADMIN_PASSWORD, new_password: 5 });
    expectStatus(res, 400, 'validation_failed');

    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items, sitesBefore);
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200).items, agentsBefore);
    await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  it('the command line holds names to one line as well: exit 1, one line on stderr, nothing created', async () => {
    const sitesBefore = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items;
    for (const name of ['Shop\r\nBcc: victim@example.com', 'Tab\tshop', 'Nul\u0001']) {
      const out = await runCli(['admin', 'site', 'create', '--data-dir', server.dataDir, '--workspace', 'Demo',
        '--name', name, '--origin', 'https://cli-control.example']);
      assert.equal(out.code, 1, out.stderr);
      assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
      assert.match(out.stderr, /one line/);
    }
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items, sitesBefore);
  });

  it('conversation endpoints refuse wrong types and bad query values', async () => {
    const v = await visitor(server, ctx.siteKey, { label: 'rest-visitor' });
    const conv = (await v.sendMessage('assign me')).conversation_id;
    await v.close();
    // Routing may hand the new chat to an online agent first: wait until it settles.
    await new Promise((r) => setTimeout(r, 300));
    const before = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}`), 200);
    for (const body of [{ agent_id: String(ctx.admin.agent.id) }, { agent_id: { $gt: '' } }, { agent_id: [1] }, { agent_id: 1.5 }]) {
      const res = await api(server, ctx.token, 'POST', `/conversations/${conv}/assign`, body);
      expectStatus(res, 400, 'validation_failed');
    }
    let res = await api(server, ctx.token, 'POST', `/conversations/${conv}/assign`, '{"agent_id":');
    expectStatus(res, 400, 'invalid_json');
    const detail = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${conv}`), 200);
    assert.equal(detail.conversation.assignee_id, before.conversation.assignee_id);

    for (const q of ['status=bogus', 'limit=0', 'limit=101', 'limit=abc', 'assignee=someone', 'site=abc', 'cursor=not-a-cursor!']) {
      res = await api(server, ctx.token, 'GET', `/conversations?${q}`);
      assert.equal(res.status, 400, `${q}: ${res.status} ${res.text}`);
      assert.ok(['validation_failed', 'bad_request'].includes(res.body?.error?.code), `${q}: ${res.text}`);
    }
    for (const q of ['limit=0', 'limit=501', 'after_seq=abc', 'before_seq=xyz']) {
      res = await api(server, ctx.token, 'GET', `/conversations/${conv}/messages?${q}`);
      assert.equal(res.status, 400, `${q}: ${res.status} ${res.text}`);
      assert.ok(['validation_failed', 'bad_request'].includes(res.body?.error?.code), `${q}: ${res.text}`);
    }
    res = await api(server, ctx.token, 'GET', '/conversations/abc');
    assert.ok([400, 404].includes(res.status), res.text);
    errorShape(res);
    res = await api(server, ctx.token, 'GET', '/conversations/987654321');
    expectStatus(res, 404, 'not_found');
  });

  it('unknown routes → 404 JSON error; wrong methods → 405', async () => {
    for (const path of ['/no-such-thing', '/conversations/1/explode', '/sites/1/snippet/extra']) {
      const res = await api(server, ctx.token, 'GET', path);
      expectStatus(res, 404, 'not_found');
      errorShape(res);
    }
    let res = await api(server, ctx.token, 'DELETE', '/me');
    expectStatus(res, 405, 'method_not_allowed');
    res = await api(server, ctx.token, 'PUT', '/sites');
    expectStatus(res, 405, 'method_not_allowed');
    res = await api(server, null, 'GET', '/auth/login');
    expectStatus(res, 405, 'method_not_allowed');
  });

  it('a body over 64 KiB → 413 payload_too_large', async () => {
    const before = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items.length;
    const res = await api(server, ctx.token, 'POST', '/sites',
      { name: 'Huge', allowed_origins: ['https://huge.example'], greeting: 'g'.repeat(70 * 1024) });
    expectStatus(res, 413, 'payload_too_large');
    assert.equal(expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items.length, before);
  });
});

describe('WebSocket: the hello deadline', () => {
  it('a socket that never says hello is closed after about 10 seconds', async () => {
    const left = Math.max(0, idle.openedAt + 15000 - Date.now());
    await idle.waitClosed(left);
    const after = idle.closedAt - idle.openedAt;
    assert.ok(after >= 8000, `closed after only ${after} ms; hello is allowed 10 s`);
    assert.equal(idle.received('welcome').length, 0);
  });
});
