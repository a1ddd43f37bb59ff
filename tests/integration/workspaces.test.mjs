// Workspaces from the API: an admin creates one and is its first admin, switches between
// the workspaces they work in (one account, one password), and each session sees only its
// own workspace. A workspace's admin cannot reach the person's other workspaces.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, login, createAgent, agent, visitor, cliOk, ADMIN_EMAIL, ADMIN_PASSWORD,
} from './lib/harness.mjs';

let server;
let A; // the Demo workspace: {admin, token, site, siteKey}

before(async () => {
  server = await startServer();
  A = await demo(server);
});

after(async () => {
  await server?.stop();
});

async function createWorkspace(token, name) {
  return expectStatus(await api(server, token, 'POST', '/workspaces', { name }), 201);
}

// A person who works only in a workspace that Demo's admin does not administer.
async function startServerless() {
  const owner = await createAgent(server.url, A.token, { role: 'admin' });
  const own = await createWorkspace(owner.token, `Own ${Date.now()}`);
  const ownToken = (await switchTo(owner.token, own.id)).token;
  const email = `stranger-${Date.now()}@example.com`;
  expectStatus(await api(server, ownToken, 'POST', '/agents', { email, name: 'Stranger', password: 'stranger-pass-1' }), 201);
  return { email };
}

async function switchTo(token, workspaceId) {
  return expectStatus(await api(server, token, 'POST', '/auth/switch', { workspace_id: workspaceId }), 200);
}

describe('workspaces', () => {
  let outlet;
  let outletToken;

  it('the console is told who may create workspaces: admins, not agents', async () => {
    assert.equal(expectStatus(await api(server, A.token, 'GET', '/me'), 200).may_create_workspaces, true);
    const member = await createAgent(server.url, A.token, { role: 'agent' });
    assert.equal(expectStatus(await api(server, member.token, 'GET', '/me'), 200).may_create_workspaces, false);
  });

  it('a server that leaves workspaces to its operator refuses them to admins', async () => {
    const hosted = await startServer({ env: { JUTTU_WORKSPACE_CREATION: 'operator' } });
    try {
      const admin = await demo(hosted);
      assert.equal(expectStatus(await api(hosted, admin.token, 'GET', '/me'), 200).may_create_workspaces, false);
      const refused = await api(hosted, admin.token, 'POST', '/workspaces', { name: 'Squatted' });
      expectStatus(refused, 403, 'forbidden');
      assert.match(refused.body.error.message, /operator/);
      assert.deepEqual(expectStatus(await api(hosted, admin.token, 'GET', '/me/workspaces'), 200).items.map((w) => w.name), ['Demo']);
      // The operator still can.
      await cliOk(['admin', 'workspace', 'create', '--data-dir', hosted.dataDir, '--name', 'Squatted']);
    } finally {
      await hosted.stop();
    }
  });

  it('an admin creates a workspace and is its first admin', async () => {
    outlet = await createWorkspace(A.token, 'Outlet');
    assert.equal(outlet.name, 'Outlet');
    assert.equal(outlet.role, 'admin');
    assert.ok(outlet.id > 0);
    const { items } = expectStatus(await api(server, A.token, 'GET', '/me/workspaces'), 200);
    assert.deepEqual(items.map((w) => [w.name, w.role]), [['Demo', 'admin'], ['Outlet', 'admin']]);
  });

  it('switching starts a session in the other workspace, which sees only its own data', async () => {
    const switched = await switchTo(A.token, outlet.id);
    outletToken = switched.token;
    assert.notEqual(outletToken, A.token);
    // A switch never outlives the session it came from, so it cannot renew a token forever.
    assert.equal(switched.expires_at, A.admin.expires_at);
    const back = await switchTo(outletToken, A.admin.agent.workspace_id);
    assert.equal(back.expires_at, A.admin.expires_at);
    expectStatus(await api(server, outletToken, 'POST', '/auth/switch', { workspace_id: outlet.id }), 400, 'validation_failed');
    assert.equal(switched.agent.email, ADMIN_EMAIL);
    assert.equal(switched.agent.workspace_id, outlet.id);
    const me = expectStatus(await api(server, outletToken, 'GET', '/me'), 200);
    assert.equal(me.workspace.name, 'Outlet');
    assert.equal(me.agent.role, 'admin');

    // A new workspace is empty: no sites, no conversations, one agent (its creator).
    const demoVisitor = await visitor(server, A.siteKey, { label: 'demo-visitor' });
    await demoVisitor.sendMessage('DEMO-ONLY question');
    assert.deepEqual(expectStatus(await api(server, outletToken, 'GET', '/sites'), 200).items, []);
    assert.deepEqual(expectStatus(await api(server, outletToken, 'GET', '/conversations?status=open'), 200).items, []);
    const agents = expectStatus(await api(server, outletToken, 'GET', '/agents'), 200).items;
    assert.deepEqual(agents.map((a) => a.email), [ADMIN_EMAIL]);
    const found = expectStatus(await api(server, outletToken, 'GET', '/search?q=DEMO-ONLY'), 200);
    assert.deepEqual(found.items, [], 'search stays in the workspace');
    demoVisitor.close();

    // The first session still works in Demo.
    const demoMe = expectStatus(await api(server, A.token, 'GET', '/me'), 200);
    assert.equal(demoMe.workspace.name, 'Demo');
  });

  it('the new workspace works end to end: a site, a visitor, its inbox', async () => {
    const site = expectStatus(await api(server, outletToken, 'POST', '/sites', {
      name: 'Outlet shop', allowed_origins: ['http://outlet.example'],
    }), 201);
    const inbox = await agent(server, outletToken, { label: 'outlet-inbox' });
    const guest = await visitor(server, site.key, { origin: 'http://outlet.example', label: 'outlet-visitor' });
    const sent = await guest.sendMessage('hello outlet');
    const seen = await inbox.next({ type: 'message', conversation_id: sent.conversation_id });
    assert.equal(seen.message.body, 'hello outlet');
    const demoList = expectStatus(await api(server, A.token, 'GET', '/conversations?status=open'), 200).items;
    assert.ok(!demoList.some((c) => c.id === sent.conversation_id), 'Demo does not see the outlet chat');
    guest.close();
    inbox.close();
  });

  it('a colleague who already has a login joins another workspace of their admin, with their own password', async () => {
    const colleague = await createAgent(server.url, A.token, { role: 'agent', name: 'Kaisa' });
    const added = expectStatus(await api(server, outletToken, 'POST', '/agents',
      { email: colleague.email, name: 'Kaisa (Outlet)', role: 'admin' }), 201);
    assert.equal(added.workspace_id, outlet.id);
    assert.equal(added.name, 'Kaisa (Outlet)', 'a name of its own here');
    assert.equal(added.role, 'admin', 'the role given here');
    const { items } = expectStatus(await api(server, colleague.token, 'GET', '/me/workspaces'), 200);
    assert.deepEqual(items.map((w) => [w.name, w.role]), [['Demo', 'agent'], ['Outlet', 'admin']]);
    const there = await switchTo(colleague.token, outlet.id);
    assert.equal(expectStatus(await api(server, there.token, 'GET', '/me'), 200).workspace.name, 'Outlet');
    // Once is enough; a password for an existing login is refused (it is theirs to set).
    expectStatus(await api(server, outletToken, 'POST', '/agents', { email: colleague.email, name: 'K' }), 409, 'conflict');
    expectStatus(await api(server, outletToken, 'POST', '/agents',
      { email: colleague.email, name: 'Kaisa', password: 'not-theirs-123' }), 409, 'conflict');
    await login(server, colleague.email, colleague.password);
    // A login that works in no workspace of this admin's is not reached.
    const elsewhere = await startServerless();
    expectStatus(await api(server, outletToken, 'POST', '/agents', { email: elsewhere.email, name: 'S' }), 403, 'forbidden');
    // A new e-mail without a password is not an agent.
    expectStatus(await api(server, outletToken, 'POST', '/agents', { email: 'nobody-yet@example.com', name: 'N' }), 400, 'validation_failed');
  });

  it('logging in goes to the asked workspace, else the oldest', async () => {
    const plain = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.equal(plain.agent.workspace_id, A.admin.agent.workspace_id);
    const res = await api(server, null, 'POST', '/auth/login', {
      email: ADMIN_EMAIL, password: ADMIN_PASSWORD, workspace_id: outlet.id,
    });
    assert.equal(expectStatus(res, 200).agent.workspace_id, outlet.id);
    // A workspace the person is not in is ignored, not an error that tells it exists.
    const elsewhere = await api(server, null, 'POST', '/auth/login', {
      email: ADMIN_EMAIL, password: ADMIN_PASSWORD, workspace_id: 999999,
    });
    assert.equal(expectStatus(elsewhere, 200).agent.workspace_id, A.admin.agent.workspace_id);
  });

  it('a person cannot switch into a workspace they are not in', async () => {
    const stranger = await createAgent(server.url, A.token, { role: 'admin' });
    expectStatus(await api(server, stranger.token, 'POST', '/auth/switch', { workspace_id: outlet.id }), 404, 'not_found');
    const { items } = expectStatus(await api(server, stranger.token, 'GET', '/me/workspaces'), 200);
    assert.deepEqual(items.map((w) => w.name), ['Demo']);
  });

  it('only admins create workspaces, with a valid, free name', async () => {
    const member = await createAgent(server.url, A.token, { role: 'agent' });
    expectStatus(await api(server, member.token, 'POST', '/workspaces', { name: 'Mine' }), 403);
    expectStatus(await api(server, A.token, 'POST', '/workspaces', { name: 'Outlet' }), 409, 'conflict');
    expectStatus(await api(server, A.token, 'POST', '/workspaces', { name: '' }), 400, 'validation_failed');
    expectStatus(await api(server, A.token, 'POST', '/workspaces', { name: 'x'.repeat(1001) }), 400, 'validation_failed');
    expectStatus(await api(server, A.token, 'POST', '/workspaces', {}), 400, 'validation_failed');
    expectStatus(await api(server, A.token, 'POST', '/auth/switch', { workspace_id: 'Outlet' }), 400, 'validation_failed');
    const { items } = expectStatus(await api(server, A.token, 'GET', '/me/workspaces'), 200);
    assert.equal(items.length, 2, 'nothing was created by the refused requests');
  });

  it("one workspace's admin cannot set the password of a person who works elsewhere too", async () => {
    // A second admin of the outlet tries to take over the creator's account.
    const deputy = await createAgent(server.url, outletToken, { role: 'admin' });
    const creatorThere = expectStatus(await api(server, outletToken, 'GET', '/me'), 200).agent;
    const refused = await api(server, deputy.token, 'PATCH', `/agents/${creatorThere.id}`, { password: 'taken-over-123' });
    expectStatus(refused, 409, 'conflict');
    await login(server, ADMIN_EMAIL, ADMIN_PASSWORD); // still the old password
    // The deputy's own account is theirs alone: its admin may still reset it.
    expectStatus(await api(server, outletToken, 'PATCH', `/agents/${deputy.agent.id}`, { password: 'reset-by-admin-1' }), 200);
    await login(server, deputy.email, 'reset-by-admin-1');
  });

  it('a changed password is the same in every workspace, and ends the other sessions', async () => {
    const fresh = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    const other = await switchTo(fresh.token, outlet.id);
    expectStatus(await api(server, fresh.token, 'POST', '/me/password', {
      current_password: ADMIN_PASSWORD, new_password: 'one-password-everywhere',
    }), 204);
    expectStatus(await api(server, other.token, 'GET', '/me'), 401);
    expectStatus(await api(server, outletToken, 'GET', '/me'), 401);
    expectStatus(await api(server, fresh.token, 'GET', '/me'), 200);
    const again = await api(server, null, 'POST', '/auth/login', {
      email: ADMIN_EMAIL, password: 'one-password-everywhere', workspace_id: outlet.id,
    });
    assert.equal(expectStatus(again, 200).agent.workspace_id, outlet.id);
  });

  it('disabled in one workspace, the person still works in the other', async () => {
    const demoAdmin = (await login(server, ADMIN_EMAIL, 'one-password-everywhere')).token;
    const person = await createAgent(server.url, demoAdmin, { role: 'admin' });
    const session = { token: person.token };
    const theirs = await createWorkspace(session.token, 'Their own');
    const there = await switchTo(session.token, theirs.id);
    expectStatus(await api(server, demoAdmin, 'PATCH', `/agents/${person.agent.id}`, { disabled: true }), 200);
    expectStatus(await api(server, session.token, 'GET', '/me'), 401);
    expectStatus(await api(server, there.token, 'GET', '/me'), 200);
    const { items } = expectStatus(await api(server, there.token, 'GET', '/me/workspaces'), 200);
    assert.deepEqual(items.map((w) => w.name), ['Their own'], 'a disabled membership is not offered');
    const relogin = await login(server, person.email, person.password);
    assert.equal(relogin.agent.workspace_id, theirs.id, 'login skips the disabled membership');
  });
});
