// Sessions, roles and the admin endpoints: login/logout, password changes and agent
// removal revoke sessions and close their sockets (4001); agents and sites CRUD.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, agent, connectWs, expectError, login, createAgent,
  cliOk, uid, ADMIN_EMAIL, ADMIN_PASSWORD,
} from './lib/harness.mjs';

let server;
let ctx;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
});

// "the server closes the socket with code 4001 within a second" (+ a little slack for a busy CI box)
const REVOKE_MS = 1000;
const SLACK_MS = 300;

async function expectRevoked(client, since) {
  const { code } = await client.waitClosed(REVOKE_MS + SLACK_MS + 2000);
  const elapsed = Date.now() - since;
  assert.equal(code, 4001, `${client.label}: close code`);
  assert.ok(elapsed <= REVOKE_MS + SLACK_MS, `${client.label}: closed after ${elapsed} ms`);
}

async function expectLoginRefused(email, password) {
  const res = await api(server, null, 'POST', '/auth/login', { email, password });
  assert.ok([401, 403].includes(res.status), `login should fail: ${res.status} ${res.text}`);
  assert.ok(!res.body?.token, 'a refused login returned a token');
}

describe('sessions', () => {
  it('login returns a token, its expiry and the agent (and no secrets)', async () => {
    const res = await api(server, null, 'POST', '/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const body = expectStatus(res, 200);
    assert.match(res.headers.get('content-type') || '', /application\/json/);
    assert.equal(typeof body.token, 'string');
    assert.ok(body.token.length >= 20);
    assert.equal(typeof body.expires_at, 'number');
    assert.ok(body.expires_at > Date.now(), 'expires_at must be in the future (ms)');
    const a = body.agent;
    assert.equal(a.email, ADMIN_EMAIL);
    assert.equal(a.role, 'admin');
    assert.equal(a.disabled, false);
    for (const k of ['id', 'workspace_id', 'created_at']) assert.equal(typeof a[k], 'number', k);
    assert.equal(typeof a.name, 'string');
    assert.ok(!/password|argon2|hash/i.test(res.text), `login answer leaks secrets: ${res.text}`);
    // Each login is a separate session.
    const other = await login(server);
    assert.notEqual(other.token, body.token);
  });

  it('GET /me tells the agent and its workspace', async () => {
    const me = expectStatus(await api(server, ctx.token, 'GET', '/me'), 200);
    assert.equal(me.agent.id, ctx.admin.agent.id);
    assert.equal(me.agent.email, ADMIN_EMAIL);
    assert.equal(me.workspace.name, 'Demo');
    assert.equal(me.workspace.id, me.agent.workspace_id);
  });

  it('logout ends that session only: its socket closes with 4001 within a second, its token is refused', async () => {
    const s1 = await login(server);
    const s2 = await login(server);
    const ws1 = await agent(server, s1.token, { label: 'session-1' });
    const ws1b = await agent(server, s1.token, { label: 'session-1b' });
    const ws2 = await agent(server, s2.token, { label: 'session-2' });

    const res = await api(server, s1.token, 'POST', '/auth/logout');
    const t0 = Date.now();
    assert.equal(res.status, 204, res.text);
    await expectRevoked(ws1, t0);
    await expectRevoked(ws1b, t0);

    await ws2.roundTrip();
    expectStatus(await api(server, s1.token, 'GET', '/me'), 401, 'unauthorized');
    expectStatus(await api(server, s1.token, 'POST', '/auth/logout'), 401, 'unauthorized');
    expectStatus(await api(server, s2.token, 'GET', '/me'), 200);

    const again = await connectWs(server, { label: 'logged-out-hello' });
    await expectError(again, { type: 'hello', role: 'agent', token: s1.token }, 'bad_token', { closeCode: 1008 });
    await ws2.close();
  });
});

describe('password change', () => {
  it('POST /me/password revokes the agent\'s other sessions; the new password works', async () => {
    const x = await createAgent(server.url, ctx.token, { role: 'agent', password: 'first-password-1' });
    const s2 = await login(server, x.email, 'first-password-1');
    const s3 = await login(server, x.email, 'first-password-1');
    const ws1 = await agent(server, x.token, { label: 'changer' });
    const ws2 = await agent(server, s2.token, { label: 'other-2' });
    const ws3 = await agent(server, s3.token, { label: 'other-3' });
    const adminWs = await agent(server, ctx.token, { label: 'admin' });

    // Refusals first: they change nothing.
    let res = await api(server, x.token, 'POST', '/me/password', { current_password: 'not-my-password', new_password: 'second-password-2' });
    assert.ok([400, 401, 403].includes(res.status), `wrong current password: ${res.status} ${res.text}`);
    res = await api(server, x.token, 'POST', '/me/password', { current_password: 'first-password-1', new_password: 'short' });
    expectStatus(res, 400, 'validation_failed');
    res = await api(server, x.token, 'POST', '/me/password', { current_password: 'first-password-1', new_password: 'p'.repeat(257) });
    expectStatus(res, 400, 'validation_failed');
    res = await api(server, x.token, 'POST', '/me/password', { new_password: 'second-password-2' });
    expectStatus(res, 400, 'validation_failed');
    await ws2.roundTrip();
    expectStatus(await api(server, s2.token, 'GET', '/me'), 200);

    res = await api(server, x.token, 'POST', '/me/password', { current_password: 'first-password-1', new_password: 'second-password-2' });
    const t0 = Date.now();
    assert.equal(res.status, 204, res.text);
    await expectRevoked(ws2, t0);
    await expectRevoked(ws3, t0);

    await ws1.roundTrip();           // the session that changed it lives on
    await adminWs.roundTrip();       // other agents are untouched
    expectStatus(await api(server, x.token, 'GET', '/me'), 200);
    expectStatus(await api(server, s2.token, 'GET', '/me'), 401, 'unauthorized');
    expectStatus(await api(server, s3.token, 'GET', '/me'), 401, 'unauthorized');

    expectStatus(await api(server, null, 'POST', '/auth/login', { email: x.email, password: 'first-password-1' }), 401, 'invalid_credentials');
    await login(server, x.email, 'second-password-2');
    await ws1.close();
    await adminWs.close();
  });
});

describe('admins revoking agents', () => {
  it('disabling an agent closes its sockets with 4001 and refuses its token and logins', async () => {
    const y = await createAgent(server.url, ctx.token, { role: 'agent' });
    const ws = await agent(server, y.token, { label: 'to-disable' });
    const res = await api(server, ctx.token, 'PATCH', `/agents/${y.agent.id}`, { disabled: true });
    const t0 = Date.now();
    const updated = expectStatus(res, 200);
    assert.equal(updated.disabled, true);
    await expectRevoked(ws, t0);
    expectStatus(await api(server, y.token, 'GET', '/me'), 401, 'unauthorized');
    await expectLoginRefused(y.email, y.password);
    const hello = await connectWs(server, { label: 'disabled-hello' });
    await expectError(hello, { type: 'hello', role: 'agent', token: y.token }, 'bad_token', { closeCode: 1008 });

    const enabled = expectStatus(await api(server, ctx.token, 'PATCH', `/agents/${y.agent.id}`, { disabled: false }), 200);
    assert.equal(enabled.disabled, false);
    const back = await login(server, y.email, y.password);
    expectStatus(await api(server, back.token, 'GET', '/me'), 200);
  });

  it('an admin setting an agent\'s password revokes its sessions', async () => {
    const y = await createAgent(server.url, ctx.token, { role: 'agent' });
    const ws = await agent(server, y.token, { label: 'reset' });
    const res = await api(server, ctx.token, 'PATCH', `/agents/${y.agent.id}`, { password: 'admin-chosen-pw-1' });
    const t0 = Date.now();
    expectStatus(res, 200);
    await expectRevoked(ws, t0);
    expectStatus(await api(server, y.token, 'GET', '/me'), 401, 'unauthorized');
    await expectLoginRefused(y.email, y.password);
    await login(server, y.email, 'admin-chosen-pw-1');
  });

  it('removing an agent closes its sockets with 4001; it is gone', async () => {
    const z = await createAgent(server.url, ctx.token, { role: 'agent' });
    const ws = await agent(server, z.token, { label: 'to-remove' });
    const res = await api(server, ctx.token, 'DELETE', `/agents/${z.agent.id}`);
    const t0 = Date.now();
    assert.equal(res.status, 204, res.text);
    await expectRevoked(ws, t0);
    expectStatus(await api(server, z.token, 'GET', '/me'), 401, 'unauthorized');
    expectStatus(await api(server, ctx.token, 'GET', `/agents/${z.agent.id}`), 404, 'not_found');
    expectStatus(await api(server, ctx.token, 'DELETE', `/agents/${z.agent.id}`), 404, 'not_found');
    expectStatus(await api(server, null, 'POST', '/auth/login', { email: z.email, password: z.password }), 401, 'invalid_credentials');
    const list = expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200);
    assert.ok(!list.items.some((a) => a.id === z.agent.id));
  });

  it('an admin cannot remove itself (409)', async () => {
    expectStatus(await api(server, ctx.token, 'DELETE', `/agents/${ctx.admin.agent.id}`), 409, 'conflict');
    expectStatus(await api(server, ctx.token, 'GET', `/agents/${ctx.admin.agent.id}`), 200);
    expectStatus(await api(server, ctx.token, 'GET', '/me'), 200);
  });
});

describe('roles', () => {
  it('a non-admin agent gets 403 on changes to sites and agents, and changes nothing', async () => {
    const plain = await createAgent(server.url, ctx.token, { role: 'agent' });
    const sitesBefore = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items;
    const agentsBefore = expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200).items;

    const t = plain.token;
    expectStatus(await api(server, t, 'POST', '/sites', { name: 'Nope', allowed_origins: ['https://nope.example'] }), 403, 'forbidden');
    expectStatus(await api(server, t, 'PATCH', `/sites/${ctx.site.id}`, { name: 'Renamed' }), 403, 'forbidden');
    expectStatus(await api(server, t, 'DELETE', `/sites/${ctx.site.id}`), 403, 'forbidden');
    expectStatus(await api(server, t, 'POST', '/agents', { email: 'sneaky@example.com', name: 'S', password: 'sneaky-pass-1', role: 'admin' }), 403, 'forbidden');
    expectStatus(await api(server, t, 'PATCH', `/agents/${plain.agent.id}`, { role: 'admin' }), 403, 'forbidden');
    expectStatus(await api(server, t, 'DELETE', `/agents/${ctx.admin.agent.id}`), 403, 'forbidden');

    // Reading sites and agents (the people to assign to) and working conversations is fine.
    const agents = expectStatus(await api(server, t, 'GET', '/agents'), 200);
    assert.ok(agents.items.some((a) => a.id === ctx.admin.agent.id));
    assert.ok(!/password|argon2|hash/i.test(JSON.stringify(agents)));
    assert.equal(expectStatus(await api(server, t, 'GET', `/agents/${ctx.admin.agent.id}`), 200).email, ADMIN_EMAIL);
    expectStatus(await api(server, t, 'GET', '/sites'), 200);
    expectStatus(await api(server, t, 'GET', `/sites/${ctx.site.id}`), 200);
    expectStatus(await api(server, t, 'GET', '/conversations'), 200);

    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items, sitesBefore);
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200).items, agentsBefore);
    const me = expectStatus(await api(server, t, 'GET', '/me'), 200);
    assert.equal(me.agent.role, 'agent');
  });
});

describe('agents CRUD', () => {
  it('create, list, read, update, duplicate e-mail, remove', async () => {
    const email = `${uid('crud').toLowerCase()}@example.com`;
    let res = await api(server, ctx.token, 'POST', '/agents', { email, name: 'Anna', password: 'anna-password-1' });
    const created = expectStatus(res, 201);
    assert.ok(!/password|argon2|hash/i.test(res.text), `agent answer leaks secrets: ${res.text}`);
    assert.equal(created.email, email);
    assert.equal(created.name, 'Anna');
    assert.equal(created.role, 'agent', 'role defaults to agent');
    assert.equal(created.disabled, false);
    assert.equal(created.workspace_id, ctx.admin.agent.workspace_id);
    assert.equal(typeof created.id, 'number');
    assert.equal(typeof created.created_at, 'number');

    const list = expectStatus(await api(server, ctx.token, 'GET', '/agents'), 200);
    assert.deepEqual(list.items.find((a) => a.id === created.id), created);
    assert.ok(list.items.some((a) => a.id === ctx.admin.agent.id));
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', `/agents/${created.id}`), 200), created);

    res = await api(server, ctx.token, 'POST', '/agents', { email, name: 'Anna again', password: 'anna-password-2' });
    expectStatus(res, 409, 'conflict');
    res = await api(server, ctx.token, 'POST', '/agents', { email: ADMIN_EMAIL, name: 'Admin again', password: 'anna-password-2' });
    expectStatus(res, 409, 'conflict');

    const patched = expectStatus(await api(server, ctx.token, 'PATCH', `/agents/${created.id}`, { name: 'Anna K.', role: 'admin' }), 200);
    assert.equal(patched.name, 'Anna K.');
    assert.equal(patched.role, 'admin');
    assert.equal(patched.email, email);
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', `/agents/${created.id}`), 200), patched);
    // As an admin now, Anna may create sites.
    const anna = await login(server, email, 'anna-password-1');
    const site = expectStatus(await api(server, anna.token, 'POST', '/sites', { name: 'Anna shop', allowed_origins: ['https://anna.example'] }), 201);
    assert.equal(site.workspace_id, ctx.admin.agent.workspace_id);

    expectStatus(await api(server, ctx.token, 'PATCH', `/agents/987654321`, { name: 'Ghost' }), 404, 'not_found');
    assert.equal((await api(server, ctx.token, 'DELETE', `/agents/${created.id}`)).status, 204);
    expectStatus(await api(server, ctx.token, 'GET', `/agents/${created.id}`), 404, 'not_found');
    // Passwords are 8–256 characters.
    for (const [password, status] of [['1234567', 400], ['12345678', 201], ['p'.repeat(256), 201], ['p'.repeat(257), 400]]) {
      const e = `${uid('pw').toLowerCase()}@example.com`;
      res = await api(server, ctx.token, 'POST', '/agents', { email: e, name: 'Pw', password });
      expectStatus(res, status, status === 400 ? 'validation_failed' : undefined);
      if (status === 201) await login(server, e, password);
    }
    // The e-mail is free again.
    expectStatus(await api(server, ctx.token, 'POST', '/agents', { email, name: 'Anna 2', password: 'anna-password-3' }), 201);
  });
});

describe('sites CRUD', () => {
  it('create with normalised origins, read, snippet, update, delete — visitors follow at once', async () => {
    const body = {
      name: 'Second shop',
      allowed_origins: ['HTTPS://Shop.Example:443/', 'http://localhost:8080', server.origin, 'http://Plain.Example:80'],
      greeting: 'Moi! Miten voimme auttaa?',
      color: '#aa0011',
    };
    let res = await api(server, ctx.token, 'POST', '/sites', body);
    const site = expectStatus(res, 201);
    assert.equal(site.name, 'Second shop');
    assert.deepEqual(site.allowed_origins, ['https://shop.example', 'http://localhost:8080', server.origin, 'http://plain.example']);
    assert.equal(site.greeting, body.greeting);
    assert.equal(site.color, '#aa0011');
    assert.equal(typeof site.key, 'string');
    assert.ok(site.key.length >= 8);
    assert.notEqual(site.key, ctx.siteKey);
    assert.equal(site.workspace_id, ctx.admin.agent.workspace_id);
    assert.equal(typeof site.created_at, 'number');

    // Defaults for greeting and colour.
    const plain = expectStatus(await api(server, ctx.token, 'POST', '/sites', { name: 'Plain', allowed_origins: ['https://plain.example'] }), 201);
    assert.equal(typeof plain.greeting, 'string');
    assert.match(plain.color, /^#[0-9a-f]{6}$/i);

    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', `/sites/${site.id}`), 200), site);
    const list = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200);
    assert.deepEqual(list.items.find((s) => s.id === site.id), site);

    const snippet = expectStatus(await api(server, ctx.token, 'GET', `/sites/${site.id}/snippet`), 200).snippet;
    assert.equal(typeof snippet, 'string');
    assert.ok(snippet.includes(`data-site="${site.key}"`), snippet);
    assert.ok(snippet.includes('/widget.js'), snippet);
    assert.match(snippet.trim(), /^<script\b[^>]*><\/script>$/);

    const v = await visitor(server, site.key, { label: 'second-shop' });
    assert.equal(v.welcome.site.name, 'Second shop');
    assert.equal(v.welcome.site.greeting, body.greeting);
    assert.equal(v.welcome.site.color, '#aa0011');
    await v.close();
    const v2 = await visitor(server, site.key, { origin: 'https://shop.example', label: 'second-shop-https' });
    await v2.close();
    let c = await connectWs(server, { origin: 'https://other.example', label: 'other-origin' });
    await expectError(c, { type: 'hello', role: 'visitor', site_key: site.key }, 'origin_not_allowed', { closeCode: 1008 });

    res = await api(server, ctx.token, 'PATCH', `/sites/${site.id}`,
      { name: 'Renamed shop', greeting: 'Hello there', color: '#00AA11', allowed_origins: ['https://other.example/'] });
    const patched = expectStatus(res, 200);
    assert.equal(patched.name, 'Renamed shop');
    assert.equal(patched.greeting, 'Hello there');
    assert.equal(patched.color.toLowerCase(), '#00aa11');
    assert.deepEqual(patched.allowed_origins, ['https://other.example']);
    assert.equal(patched.key, site.key);
    assert.deepEqual(expectStatus(await api(server, ctx.token, 'GET', `/sites/${site.id}`), 200), patched);
    // Only some fields: the rest stay.
    const renamed = expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${site.id}`, { name: 'Renamed again' }), 200);
    assert.equal(renamed.greeting, 'Hello there');
    assert.deepEqual(renamed.allowed_origins, ['https://other.example']);

    const v3 = await visitor(server, site.key, { origin: 'https://other.example', label: 'other-now-allowed' });
    assert.equal(v3.welcome.site.name, 'Renamed again');
    await v3.close();
    c = await connectWs(server, { origin: server.origin, label: 'no-longer-allowed' });
    await expectError(c, { type: 'hello', role: 'visitor', site_key: site.key }, 'origin_not_allowed', { closeCode: 1008 });

    assert.equal((await api(server, ctx.token, 'DELETE', `/sites/${site.id}`)).status, 204);
    expectStatus(await api(server, ctx.token, 'GET', `/sites/${site.id}`), 404, 'not_found');
    expectStatus(await api(server, ctx.token, 'GET', `/sites/${site.id}/snippet`), 404, 'not_found');
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${site.id}`, { name: 'x' }), 404, 'not_found');
    assert.ok(!expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items.some((s) => s.id === site.id));
    c = await connectWs(server, { origin: 'https://other.example', label: 'deleted-site' });
    await expectError(c, { type: 'hello', role: 'visitor', site_key: site.key }, 'unknown_site', { closeCode: 1008 });
  });

  it('`admin site create` while the server runs: visitors can use the new site at once', async () => {
    const key = await cliOk(['admin', 'site', 'create', '--data-dir', server.dataDir, '--workspace', 'Demo',
      '--name', 'CLI shop', '--origin', 'https://cli-shop.example', '--origin', 'http://cli-two.example:8080']);
    assert.match(key, /^\S+$/, `stdout should be the key alone: ${JSON.stringify(key)}`);

    const v = await visitor(server, key, { origin: 'https://cli-shop.example', label: 'cli-site' });
    assert.equal(v.welcome.site.name, 'CLI shop');
    const ack = await v.sendMessage('hello via a CLI-made site');
    assert.equal(ack.seq, 1);
    await v.close();
    const v2 = await visitor(server, key, { origin: 'http://cli-two.example:8080', label: 'cli-site-2' });
    await v2.close();
    for (const origin of ['http://evil.example', server.origin, 'http://cli-shop.example']) {
      const c = await connectWs(server, { origin, label: `cli-site ${origin}` });
      await expectError(c, { type: 'hello', role: 'visitor', site_key: key }, 'origin_not_allowed', { closeCode: 1008 });
    }

    const sites = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items;
    const s = sites.find((x) => x.key === key);
    assert.ok(s, `the CLI-made site is not listed: ${JSON.stringify(sites)}`);
    assert.equal(s.name, 'CLI shop');
    assert.deepEqual(s.allowed_origins, ['https://cli-shop.example', 'http://cli-two.example:8080']);
  });
});

describe('agent capacity', () => {
  it('defaults to 4, is set on create or by PATCH, and stays within 1-100', async () => {
    const t = ctx.token;
    const plain = await createAgent(server, t, { name: 'Plain Capacity' });
    assert.equal(plain.agent.capacity, 4);
    const busy = expectStatus(await api(server, t, 'POST', '/agents', {
      email: 'busy@example.com', name: 'Busy', password: 'busy-password-1', capacity: 6,
    }), 201);
    assert.equal(busy.capacity, 6);
    for (const bad of [0, 101, '5', 2.5, null]) {
      expectStatus(await api(server, t, 'PATCH', `/agents/${busy.id}`, { capacity: bad }), 400, 'validation_failed');
    }
    assert.equal(expectStatus(await api(server, t, 'GET', `/agents/${busy.id}`), 200).capacity, 6);
    assert.equal(expectStatus(await api(server, t, 'PATCH', `/agents/${busy.id}`, { capacity: 10 }), 200).capacity, 10);
    assert.equal(expectStatus(await api(server, t, 'GET', `/agents/${busy.id}`), 200).capacity, 10);
    // Only admins change it.
    expectStatus(await api(server, plain.token, 'PATCH', `/agents/${busy.id}`, { capacity: 1 }), 403, 'forbidden');
    assert.equal(expectStatus(await api(server, t, 'GET', `/agents/${busy.id}`), 200).capacity, 10);
  });
});
