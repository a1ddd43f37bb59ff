// Canned responses: a workspace's saved replies, managed by admins, read by every agent.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, createAgent, runCli, login, uid,
} from './lib/harness.mjs';

let server;
let ctx;
let agentB;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  agentB = await createAgent(server, ctx.token, { name: 'Plain Agent' });
});

describe('canned responses', () => {
  it('admins create, change and delete them; every agent lists them by shortcut', async () => {
    const t = ctx.token;
    const shipping = expectStatus(await api(server, t, 'POST', '/canned-responses', {
      shortcut: 'shipping', title: 'Shipping times', body: 'We ship in 1–2 working days.',
    }), 201);
    assert.equal(shipping.shortcut, 'shipping');
    const hello = expectStatus(await api(server, t, 'POST', '/canned-responses', {
      shortcut: 'hello', body: 'Hei! Miten voin auttaa?',
    }), 201);
    assert.equal(hello.title, '');
    const listed = expectStatus(await api(server, agentB.token, 'GET', '/canned-responses'), 200);
    assert.deepEqual(listed.items.map((c) => c.shortcut), ['hello', 'shipping']);
    assert.equal(expectStatus(await api(server, agentB.token, 'GET', `/canned-responses/${shipping.id}`), 200).body,
      'We ship in 1–2 working days.');

    const changed = expectStatus(await api(server, t, 'PATCH', `/canned-responses/${shipping.id}`,
      { body: 'We ship the same day.' }), 200);
    assert.equal(changed.body, 'We ship the same day.');
    assert.equal(changed.shortcut, 'shipping');

    expectStatus(await api(server, t, 'DELETE', `/canned-responses/${hello.id}`), 204);
    expectStatus(await api(server, t, 'GET', `/canned-responses/${hello.id}`), 404, 'not_found');
    expectStatus(await api(server, t, 'DELETE', `/canned-responses/${hello.id}`), 404, 'not_found');
  });

  it('refuses bad input, taken shortcuts and non-admin changes, changing nothing', async () => {
    const t = ctx.token;
    const before = expectStatus(await api(server, t, 'GET', '/canned-responses'), 200).items;
    for (const body of [
      { body: 'no shortcut' },
      { shortcut: 'nobody' },
      { shortcut: 'Has Space', body: 'x' },
      { shortcut: 'x'.repeat(33), body: 'x' },
      { shortcut: { $ne: '' }, body: 'x' },
      { shortcut: 'blank', body: '   ' },
      { shortcut: 'long', body: 'x'.repeat(10001) },
    ]) {
      expectStatus(await api(server, t, 'POST', '/canned-responses', body), 400);
    }
    expectStatus(await api(server, t, 'POST', '/canned-responses', { shortcut: 'shipping', body: 'again' }), 409, 'conflict');
    expectStatus(await api(server, agentB.token, 'POST', '/canned-responses', { shortcut: 'mine', body: 'x' }), 403, 'forbidden');
    const existing = before[0];
    expectStatus(await api(server, agentB.token, 'PATCH', `/canned-responses/${existing.id}`, { body: 'x' }), 403, 'forbidden');
    expectStatus(await api(server, agentB.token, 'DELETE', `/canned-responses/${existing.id}`), 403, 'forbidden');
    const other = expectStatus(await api(server, t, 'POST', '/canned-responses', { shortcut: 'returns', body: 'Returns within 30 days.' }), 201);
    expectStatus(await api(server, t, 'PATCH', `/canned-responses/${other.id}`, { shortcut: 'shipping' }), 409, 'conflict');
    assert.equal(expectStatus(await api(server, t, 'GET', `/canned-responses/${other.id}`), 200).shortcut, 'returns');
    const after = expectStatus(await api(server, t, 'GET', '/canned-responses'), 200).items;
    assert.deepEqual(after.filter((c) => c.id !== other.id), before);
  });

  it('another workspace sees none of them and cannot touch them', async () => {
    const name = `Other ${uid('w')}`;
    assert.equal((await runCli(['admin', 'workspace', 'create', '--data-dir', server.dataDir, '--name', name])).code, 0);
    const email = `${uid('b').toLowerCase()}@example.com`;
    assert.equal((await runCli(['admin', 'agent', 'create', '--data-dir', server.dataDir, '--workspace', name,
      '--email', email, '--name', 'Other Admin', '--password', 'other-password-1', '--role', 'admin'])).code, 0);
    const other = await login(server, email, 'other-password-1');
    assert.deepEqual(expectStatus(await api(server, other.token, 'GET', '/canned-responses'), 200).items, []);
    const mine = expectStatus(await api(server, ctx.token, 'GET', '/canned-responses'), 200).items[0];
    expectStatus(await api(server, other.token, 'GET', `/canned-responses/${mine.id}`), 404, 'not_found');
    expectStatus(await api(server, other.token, 'PATCH', `/canned-responses/${mine.id}`, { body: 'x' }), 404, 'not_found');
    expectStatus(await api(server, other.token, 'DELETE', `/canned-responses/${mine.id}`), 404, 'not_found');
    // Shortcuts are per workspace.
    expectStatus(await api(server, other.token, 'POST', '/canned-responses', { shortcut: mine.shortcut, body: 'ours' }), 201);
    assert.equal(expectStatus(await api(server, ctx.token, 'GET', `/canned-responses/${mine.id}`), 200).body, mine.body);
  });
});
