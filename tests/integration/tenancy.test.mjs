// Tenant isolation: a second workspace (made with the CLI while the server runs) sees
// nothing of the first, over REST and WebSocket, and its visitors cannot reach across.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, connectWs, expectError, uid, login, cliOk,
} from './lib/harness.mjs';

const B_ORIGIN = 'http://beta-shop.example';
const B_EMAIL = 'boss@beta.example';
const B_PASSWORD = 'beta-password-123';

let server;
let A;    // {admin, token, site, siteKey} of the Demo workspace
let B;    // {token, agent, site, siteKey} of the Beta workspace
let inboxA;
let inboxB;
let visitorA;
let visitorA2;
let visitorB;
let convA;
let convA2;
let convB;

before(async () => {
  server = await startServer();
  A = await demo(server);
  const dir = server.dataDir;
  await cliOk(['admin', 'workspace', 'create', '--data-dir', dir, '--name', 'Beta']);
  await cliOk(['admin', 'agent', 'create', '--data-dir', dir, '--workspace', 'Beta', '--email', B_EMAIL,
    '--name', 'Bea', '--password', B_PASSWORD, '--role', 'admin']);
  const key = await cliOk(['admin', 'site', 'create', '--data-dir', dir, '--workspace', 'Beta', '--name', 'Beta shop',
    '--origin', B_ORIGIN]);
  assert.match(key, /^\S+$/, `site create printed more than the key: ${JSON.stringify(key)}`);
  const session = await login(server, B_EMAIL, B_PASSWORD);
  const sites = expectStatus(await api(server, session.token, 'GET', '/sites'), 200).items;
  assert.equal(sites.length, 1, `Beta should have exactly its own site: ${JSON.stringify(sites)}`);
  B = { token: session.token, agent: session.agent, site: sites[0], siteKey: key };
  assert.equal(B.site.key, key);

  inboxA = await agent(server, A.token, { label: 'inbox-A' });
  inboxB = await agent(server, B.token, { label: 'inbox-B' });
  visitorA = await visitor(server, A.siteKey, { label: 'visitor-A' });
  visitorA2 = await visitor(server, A.siteKey, { label: 'visitor-A2' });
  visitorB = await visitor(server, B.siteKey, { origin: B_ORIGIN, label: 'visitor-B' });
  convA = (await visitorA.sendMessage('ALPHA-SECRET order 1234')).conversation_id;
  convA2 = (await visitorA2.sendMessage('ALPHA-SECRET second visitor')).conversation_id;
  convB = (await visitorB.sendMessage('beta hello')).conversation_id;
  await inboxA.sendMessage('ALPHA-SECRET reply', { conversation_id: convA });
  visitorA.send({ type: 'page_view', url: 'https://alpha.example/ALPHA-SECRET', title: 'ALPHA-SECRET' });
  visitorA.send({ type: 'typing', active: true });
  await inboxA.next({ type: 'page_view', contact_id: visitorA.contact.id });
  await inboxA.next({ type: 'typing', conversation_id: convA });
});

describe('the CLI-made workspace', () => {
  it('its admin logs in to its own workspace', async () => {
    const me = expectStatus(await api(server, B.token, 'GET', '/me'), 200);
    assert.equal(me.workspace.name, 'Beta');
    assert.equal(me.agent.email, B_EMAIL);
    assert.equal(me.agent.role, 'admin');
    assert.notEqual(me.workspace.id, A.admin.agent.workspace_id);
    assert.equal(inboxB.welcome.workspace.name, 'Beta');
    assert.deepEqual(B.site.allowed_origins, [B_ORIGIN]);
  });
});

describe('REST: agent B cannot touch workspace A', () => {
  it('cannot read A\'s conversation or its messages (404)', async () => {
    expectStatus(await api(server, B.token, 'GET', `/conversations/${convA}`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'GET', `/conversations/${convA}/messages`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'GET', `/conversations/${convA}/messages?after_seq=0`), 404, 'not_found');
  });

  it('cannot close, reopen or assign A\'s conversation (404), which stays unchanged', async () => {
    const before = expectStatus(await api(server, A.token, 'GET', `/conversations/${convA}`), 200).conversation;
    expectStatus(await api(server, B.token, 'POST', `/conversations/${convA}/close`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'POST', `/conversations/${convA}/assign`, { agent_id: B.agent.id }), 404, 'not_found');
    expectStatus(await api(server, B.token, 'POST', `/conversations/${convA}/assign`, { agent_id: null }), 404, 'not_found');
    // A closes it; B still cannot reopen it.
    expectStatus(await api(server, A.token, 'POST', `/conversations/${convA2}/close`), 200);
    expectStatus(await api(server, B.token, 'POST', `/conversations/${convA2}/reopen`), 404, 'not_found');
    const after = expectStatus(await api(server, A.token, 'GET', `/conversations/${convA}`), 200).conversation;
    assert.deepEqual(after, before);
    const a2 = expectStatus(await api(server, A.token, 'GET', `/conversations/${convA2}`), 200).conversation;
    assert.equal(a2.status, 'closed');
    expectStatus(await api(server, A.token, 'POST', `/conversations/${convA2}/reopen`), 200);
  });

  it('lists only its own conversations, whatever the filter', async () => {
    for (const q of ['', '?status=open', '?status=closed', '?assignee=none', `?assignee=${A.admin.agent.id}`,
      `?site=${A.site.id}`, '?limit=100']) {
      const res = await api(server, B.token, 'GET', `/conversations${q}`);
      if (res.status !== 200) {
        // Filtering by another workspace's site or agent may be refused outright.
        assert.ok(q.includes(String(A.site.id)) || q.includes(String(A.admin.agent.id)), `${q}: ${res.status} ${res.text}`);
        assert.ok([400, 404].includes(res.status), `${q}: ${res.status} ${res.text}`);
        continue;
      }
      const ids = res.body.items.map((c) => c.id);
      assert.ok(!ids.includes(convA) && !ids.includes(convA2), `${q}: B sees A's conversations ${ids}`);
      assert.ok(res.body.items.every((c) => c.site_id === B.site.id), `${q}: ${res.text}`);
      assert.ok(!res.text.includes('ALPHA-SECRET'), `${q}: ${res.text}`);
    }
    const mine = expectStatus(await api(server, B.token, 'GET', '/conversations'), 200);
    assert.deepEqual(mine.items.map((c) => c.id), [convB]);
    const theirs = expectStatus(await api(server, A.token, 'GET', '/conversations?limit=100'), 200);
    assert.ok(!theirs.items.some((c) => c.id === convB), 'A sees B\'s conversation');
  });

  it('cannot read A\'s contact', async () => {
    expectStatus(await api(server, B.token, 'GET', `/contacts/${visitorA.contact.id}`), 404, 'not_found');
    expectStatus(await api(server, A.token, 'GET', `/contacts/${visitorB.contact.id}`), 404, 'not_found');
    expectStatus(await api(server, A.token, 'GET', `/contacts/${visitorA.contact.id}`), 200);
  });

  it('cannot see, change, remove or embed A\'s site', async () => {
    const before = expectStatus(await api(server, A.token, 'GET', `/sites/${A.site.id}`), 200);
    expectStatus(await api(server, B.token, 'GET', `/sites/${A.site.id}`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'PATCH', `/sites/${A.site.id}`, { name: 'Pwned', allowed_origins: ['https://evil.example'] }), 404, 'not_found');
    expectStatus(await api(server, B.token, 'DELETE', `/sites/${A.site.id}`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'GET', `/sites/${A.site.id}/snippet`), 404, 'not_found');
    const list = expectStatus(await api(server, B.token, 'GET', '/sites'), 200);
    assert.deepEqual(list.items.map((s) => s.id), [B.site.id]);
    assert.ok(!list.items.some((s) => s.key === A.siteKey));
    assert.deepEqual(expectStatus(await api(server, A.token, 'GET', `/sites/${A.site.id}`), 200), before);
    // and A's visitors still get in
    const v = await visitor(server, A.siteKey, { label: 'still-works' });
    await v.close();
  });

  it('cannot see, change or remove A\'s agents', async () => {
    const adminA = A.admin.agent.id;
    const before = expectStatus(await api(server, A.token, 'GET', `/agents/${adminA}`), 200);
    expectStatus(await api(server, B.token, 'GET', `/agents/${adminA}`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'PATCH', `/agents/${adminA}`, { name: 'Pwned', disabled: true }), 404, 'not_found');
    expectStatus(await api(server, B.token, 'PATCH', `/agents/${adminA}`, { password: 'taken-over-123' }), 404, 'not_found');
    expectStatus(await api(server, B.token, 'DELETE', `/agents/${adminA}`), 404, 'not_found');
    const list = expectStatus(await api(server, B.token, 'GET', '/agents'), 200);
    assert.deepEqual(list.items.map((a) => a.id), [B.agent.id]);
    assert.deepEqual(expectStatus(await api(server, A.token, 'GET', `/agents/${adminA}`), 200), before);
    expectStatus(await api(server, A.token, 'GET', '/me'), 200); // A's session was not revoked
    assert.ok(inboxA.isOpen);
  });

  it('cannot take an e-mail address used in A (logins are by e-mail alone)', async () => {
    const res = await api(server, B.token, 'POST', '/agents', { email: 'admin@example.com', name: 'Impostor', password: 'impostor-pass-1' });
    expectStatus(res, 409, 'conflict');
    const again = await login(server, 'admin@example.com', undefined);
    assert.equal(again.agent.id, A.admin.agent.id);
    assert.equal(again.agent.workspace_id, A.admin.agent.workspace_id);
  });

  it('cannot assign its own conversation to an agent of A', async () => {
    const before = expectStatus(await api(server, B.token, 'GET', `/conversations/${convB}`), 200).conversation;
    const res = await api(server, B.token, 'POST', `/conversations/${convB}/assign`, { agent_id: A.admin.agent.id });
    assert.ok([400, 404].includes(res.status), `${res.status} ${res.text}`);
    assert.ok(['validation_failed', 'not_found', 'bad_request'].includes(res.body.error.code), res.text);
    const conv = expectStatus(await api(server, B.token, 'GET', `/conversations/${convB}`), 200).conversation;
    assert.equal(conv.assignee_id, before.assignee_id);
    assert.notEqual(conv.assignee_id, A.admin.agent.id);
  });
});

describe('WebSocket: agent B cannot reach into workspace A', () => {
  it('send, sync, read and typing on A\'s conversation → not_found, nothing changes', async () => {
    const clientId = uid('b');
    await expectError(inboxB, { type: 'send', client_id: clientId, conversation_id: convA, body: 'B was here' }, 'not_found', { ref: clientId });
    await expectError(inboxB, { type: 'sync', conversation_id: convA, after_seq: 0 }, 'not_found');
    await expectError(inboxB, { type: 'read', conversation_id: convA, seq: 1 }, 'not_found');
    await expectError(inboxB, { type: 'typing', conversation_id: convA, active: true }, 'not_found');
    await inboxB.roundTrip();
    assert.equal(inboxB.received('history').length, 0);

    const msgs = expectStatus(await api(server, A.token, 'GET', `/conversations/${convA}/messages?after_seq=0`), 200).items;
    assert.ok(!msgs.some((m) => m.body === 'B was here'));
    const detail = expectStatus(await api(server, A.token, 'GET', `/conversations/${convA}`), 200);
    assert.ok(!detail.read_marks.some((m) => m.reader.kind === 'agent' && m.reader.id === B.agent.id), JSON.stringify(detail.read_marks));
  });

  it('receives none of A\'s events', async () => {
    // More activity in A, then a barrier event in B: anything leaked would come first.
    await visitorA.sendMessage('ALPHA-SECRET more');
    await inboxA.sendMessage('ALPHA-SECRET answer', { conversation_id: convA });
    inboxA.send({ type: 'typing', conversation_id: convA, active: true });
    await visitorA.next({ type: 'typing', conversation_id: convA, author: { kind: 'agent' } });
    expectStatus(await api(server, A.token, 'POST', `/conversations/${convA}/assign`, { agent_id: A.admin.agent.id }), 200);
    await visitorA.next((f) => f.type === 'conversation' && f.conversation.id === convA && f.conversation.assignee_id === A.admin.agent.id);

    const barrier = await visitorB.sendMessage('beta barrier');
    await inboxB.next((f) => f.type === 'message' && f.message.id === barrier.message_id);

    const leaked = inboxB.frames.filter((f) => f.type !== 'error' && (JSON.stringify(f).includes('ALPHA-SECRET')
      || (f.conversation_id !== undefined && f.conversation_id !== convB)
      || (f.type === 'conversation' && f.conversation.id !== convB)
      || (f.type === 'page_view' && f.contact_id !== visitorB.contact.id)));
    assert.deepEqual(leaked, [], 'agent B received events of workspace A');
    // and A's inbox got nothing of B's either
    await inboxA.roundTrip();
    assert.ok(!inboxA.frames.some((f) => f.conversation_id === convB || JSON.stringify(f).includes('beta barrier')));
  });
});

describe('visitors stay inside their own conversation', () => {
  it('a visitor of site A cannot sync, read or type into B\'s conversation or another visitor\'s', async () => {
    for (const target of [convB, convA2]) {
      await expectError(visitorA, { type: 'sync', conversation_id: target, after_seq: 0 }, 'not_found', { ref: 'sync' });
      await expectError(visitorA, { type: 'read', conversation_id: target, seq: 1 }, 'not_found');
      await expectError(visitorA, { type: 'typing', conversation_id: target, active: true }, 'not_found');
    }
    await visitorA.roundTrip();
    assert.equal(visitorA.received((f) => f.type === 'history' && f.conversation_id !== convA).length, 0);
    // Barrier: B's own visitor types; A's visitor's attempts must not have reached B's inbox.
    visitorB.send({ type: 'typing', active: true });
    await inboxB.next({ type: 'typing', conversation_id: convB, author: { kind: 'visitor' } });
    assert.deepEqual(inboxB.received((f) => f.type === 'typing' && f.conversation_id !== convB), []);
    assert.ok(!visitorB.frames.some((f) => f.type === 'typing' && f.author?.kind === 'visitor' && f.author.id !== visitorB.contact.id),
      'visitor B got typing from another visitor');
    // and its own conversation still works
    visitorA.send({ type: 'sync', conversation_id: convA, after_seq: 0 });
    const own = await visitorA.next({ type: 'history', conversation_id: convA });
    assert.ok(own.messages.length >= 2);
  });

  it('site B refuses site A\'s origin, and A\'s contact token is unknown on site B', async () => {
    const c = await connectWs(server, { origin: server.origin, label: 'A-origin-on-B' });
    await expectError(c, { type: 'hello', role: 'visitor', site_key: B.siteKey }, 'origin_not_allowed', { closeCode: 1008 });

    const cross = await visitor(server, B.siteKey, { origin: B_ORIGIN, contactToken: visitorA.contactToken, label: 'cross-token' });
    assert.notEqual(cross.contact.id, visitorA.contact.id);
    assert.notEqual(cross.contactToken, visitorA.contactToken);
    assert.equal(cross.conversation, null);
    assert.equal(cross.welcome.site.name, 'Beta shop');
    await cross.close();
    expectStatus(await api(server, B.token, 'GET', `/contacts/${cross.contact.id}`), 200);
  });
});
