// Verified identity (docs/identity.md): a shop's backend signs its customer (a JWT, or
// HMAC of the user id) with one of the site's identity secrets; a verified visitor is one
// contact on every device, and nothing unverified reaches or changes that contact.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  startServer, demo, api, expectStatus, visitor, connectWs, createAgent, login, cliOk, uid,
} from './lib/harness.mjs';

const B_ORIGIN = 'http://beta-shop.example';
const B_EMAIL = 'boss@beta-identity.example';
const B_PASSWORD = 'beta-password-123';

let server;
let ctx;      // the Demo workspace
let B;        // a second workspace: {token, site}
let secrets;  // the Demo site's two secrets, by n
let bSecret;

const b64url = (data) => Buffer.from(data).toString('base64url');

/** A JWT as a shop's backend signs one (HS256 unless `header` says otherwise). */
function jwt(claims, secret, header = { alg: 'HS256', typ: 'JWT' }) {
  const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${signed}.${crypto.createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

const inTenMinutes = () => Math.floor(Date.now() / 1000) + 600;
const userHash = (userId, secret) => crypto.createHmac('sha256', secret).update(userId).digest('hex');

/** A visitor's hello with an identity: resolves the welcome or the error frame. */
async function hello(identity, { contactToken, siteKey = ctx.siteKey, origin = server.origin, label = 'visitor' } = {}) {
  const client = await connectWs(server, { origin, label });
  const frame = { type: 'hello', role: 'visitor', site_key: siteKey };
  if (identity) frame.identity = identity;
  if (contactToken) frame.contact_token = contactToken;
  client.send(frame);
  const first = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  client.first = first;
  if (first.type === 'welcome') {
    client.welcome = first;
    client.contact = first.contact;
    client.contactToken = first.contact_token;
  }
  return client;
}

async function verified(identity, options) {
  const client = await hello(identity, options);
  assert.equal(client.first.type, 'welcome', `hello refused: ${JSON.stringify(client.first)}`);
  return client;
}

async function refused(identity, code, options) {
  const client = await hello(identity, options);
  assert.equal(client.first.type, 'error', `hello accepted: ${JSON.stringify(client.first)}`);
  assert.equal(client.first.code, code, JSON.stringify(client.first));
  assert.equal((await client.waitClosed()).code, 1008);
  return client.first;
}

const contactOf = async (id) =>
  expectStatus(await api(server, ctx.token, 'GET', `/contacts/${id}`), 200).contact;
const contactCount = async () =>
  expectStatus(await api(server, ctx.token, 'GET', '/contacts?limit=100'), 200).items.length;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  const dir = server.dataDir;
  await cliOk(['admin', 'workspace', 'create', '--data-dir', dir, '--name', 'Beta']);
  await cliOk(['admin', 'agent', 'create', '--data-dir', dir, '--workspace', 'Beta', '--email', B_EMAIL,
    '--name', 'Bea', '--password', B_PASSWORD, '--role', 'admin']);
  await cliOk(['admin', 'site', 'create', '--data-dir', dir, '--workspace', 'Beta', '--name', 'Beta shop',
    '--origin', B_ORIGIN]);
  const session = await login(server, B_EMAIL, B_PASSWORD);
  const site = expectStatus(await api(server, session.token, 'GET', '/sites'), 200).items[0];
  B = { token: session.token, site };
  bSecret = expectStatus(await api(server, B.token, 'POST', `/sites/${site.id}/identity-secrets`), 201).secret;
});

describe('identity secrets (admin API)', () => {
  it('an admin creates two, the third is a conflict, and GET shows them to admins only', async () => {
    const path = `/sites/${ctx.site.id}/identity-secrets`;
    const first = expectStatus(await api(server, ctx.token, 'POST', path), 201);
    const second = expectStatus(await api(server, ctx.token, 'POST', path), 201);
    assert.deepEqual([first.n, second.n], [1, 2]);
    assert.match(first.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(first.secret, second.secret);
    expectStatus(await api(server, ctx.token, 'POST', path), 409, 'conflict');
    const listed = expectStatus(await api(server, ctx.token, 'GET', path), 200).items;
    assert.deepEqual(listed.map((s) => s.secret), [first.secret, second.secret]);
    secrets = { 1: first.secret, 2: second.secret };

    // The site as agents read it names the slots, never the secrets.
    const site = expectStatus(await api(server, ctx.token, 'GET', `/sites/${ctx.site.id}`), 200);
    assert.deepEqual(site.identity_secrets.map((s) => s.n), [1, 2]);
    assert.ok(!JSON.stringify(site).includes(first.secret));
    assert.equal(site.require_verified_identity, false);
  });

  it('agents get 403, another workspace\'s admin 404', async () => {
    const path = `/sites/${ctx.site.id}/identity-secrets`;
    const plain = await createAgent(server.url, ctx.token, { role: 'agent' });
    expectStatus(await api(server, plain.token, 'GET', path), 403, 'forbidden');
    expectStatus(await api(server, plain.token, 'POST', path), 403, 'forbidden');
    expectStatus(await api(server, plain.token, 'DELETE', `${path}/1`), 403, 'forbidden');
    expectStatus(await api(server, B.token, 'GET', path), 404, 'not_found');
    expectStatus(await api(server, B.token, 'POST', path), 404, 'not_found');
    expectStatus(await api(server, B.token, 'DELETE', `${path}/1`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'PATCH', `/sites/${ctx.site.id}`, { require_verified_identity: true }), 404);
    const listed = expectStatus(await api(server, ctx.token, 'GET', path), 200).items;
    assert.equal(listed.length, 2, 'the other workspace changed nothing');
  });
});

describe('a verified visitor', () => {
  const userId = `shop-user-${uid()}`;
  let first;
  let conversationId;

  it('is one contact on two devices, and the second sees the first one\'s chat', async () => {
    const token = jwt({ sub: userId, name: 'Maija Meikäläinen', email: 'Maija@Example.com', exp: inTenMinutes() }, secrets[1]);
    first = await verified({ token }, { label: 'device-1' });
    assert.equal(first.contact.verified, true);
    assert.equal(first.contact.name, 'Maija Meikäläinen');
    assert.equal(first.contact.email, 'maija@example.com');
    const sent = await first.sendMessage('Where is order 1234?');
    conversationId = sent.conversation_id;

    // Another browser: no contact token, the same user, signed the other way and with the
    // second secret.
    const second = await verified({ user_id: userId, user_hash: userHash(userId, secrets[2]) }, { label: 'device-2' });
    assert.equal(second.contact.id, first.contact.id);
    assert.notEqual(second.contactToken, first.contactToken, 'each browser has its own token');
    assert.equal(second.welcome.conversation.id, sent.conversation_id);
    second.send({ type: 'sync', conversation_id: sent.conversation_id });
    const history = await second.next('history');
    assert.deepEqual(history.messages.map((m) => m.body), ['Where is order 1234?']);

    // The second browser's token brings it back (with the identity) without a new one.
    const again = await verified({ user_id: userId, user_hash: userHash(userId, secrets[2]) },
      { contactToken: second.contactToken, label: 'device-2-again' });
    assert.equal(again.contact.id, first.contact.id);
    assert.equal(again.contactToken, second.contactToken);
    await Promise.all([second.close(), again.close()]);

    const contact = await contactOf(first.contact.id);
    assert.equal(contact.verified, true);
    assert.equal(contact.external_id, userId);
  });

  it('a stolen contact token without the identity gets a fresh anonymous contact', async () => {
    const thief = await visitor(server, ctx.siteKey, { contactToken: first.contactToken, label: 'thief' });
    assert.notEqual(thief.contact.id, first.contact.id);
    assert.equal(thief.contact.verified, false);
    assert.equal(thief.conversation, null);
    assert.notEqual(thief.contactToken, first.contactToken);
    // Nor does it read the verified contact's conversation, or rename it.
    thief.send({ type: 'sync', conversation_id: conversationId });
    assert.equal((await thief.next('error')).code, 'not_found');
    thief.send({ type: 'identify', name: 'Mallory', email: 'mallory@evil.example' });
    await thief.roundTrip();
    const contact = await contactOf(first.contact.id);
    assert.equal(contact.name, 'Maija Meikäläinen');
    assert.equal(contact.email, 'maija@example.com');
    await thief.close();
  });

  it('a forged, expired or wrongly signed identity is refused and changes nothing', async () => {
    const before = await contactCount();
    const good = jwt({ sub: userId, exp: inTenMinutes() }, secrets[1]);
    const [head, , signature] = good.split('.');
    const forged = `${head}.${b64url(JSON.stringify({ sub: userId, name: 'Mallory', exp: inTenMinutes() }))}.${signature}`;
    await refused({ token: forged }, 'bad_identity', { contactToken: first.contactToken });
    await refused({ token: jwt({ sub: userId, exp: Math.floor(Date.now() / 1000) - 120 }, secrets[1]) }, 'bad_identity');
    await refused({ token: jwt({ sub: userId, exp: inTenMinutes() }, secrets[1], { alg: 'none' }) }, 'bad_identity');
    await refused({ token: jwt({ sub: userId, exp: inTenMinutes() }, secrets[1], { alg: 'HS512' }) }, 'bad_identity');
    await refused({ user_id: userId, user_hash: userHash(userId, 'a guess') }, 'bad_identity');
    await refused({ user_id: userId, user_hash: userHash(`${userId}x`, secrets[1]) }, 'bad_identity');
    // Another workspace's secret never verifies here.
    const err = await refused({ token: jwt({ sub: userId, exp: inTenMinutes() }, bSecret) }, 'bad_identity');
    assert.match(err.message, /signature/);
    // The shape is checked before anything else.
    await refused({ token: 'x', user_id: userId, user_hash: 'y' }, 'bad_frame');
    await refused('not-an-object', 'bad_frame');
    assert.equal(await contactCount(), before, 'no contact was made');
    const contact = await contactOf(first.contact.id);
    assert.equal(contact.name, 'Maija Meikäläinen');
  });

  it('the same user id in another workspace is another contact', async () => {
    const other = await verified({ user_id: userId, user_hash: userHash(userId, bSecret) },
      { siteKey: B.site.key, origin: B_ORIGIN, label: 'beta' });
    assert.notEqual(other.contact.id, first.contact.id);
    assert.equal(other.welcome.conversation, null);
    await other.close();
  });

  it('a verified contact\'s anonymous past stays where it was', async () => {
    const anonymous = await visitor(server, ctx.siteKey, { label: 'anonymous' });
    await anonymous.sendMessage('before logging in');
    await anonymous.close();
    const logged = await verified({ user_id: userId, user_hash: userHash(userId, secrets[1]) },
      { contactToken: anonymous.contactToken, label: 'logged-in' });
    assert.equal(logged.contact.id, first.contact.id);
    assert.equal(logged.welcome.conversation.id, conversationId);
    assert.equal(logged.welcome.conversation.last_message_preview, 'Where is order 1234?');
    await logged.close();
    const back = await visitor(server, ctx.siteKey, { contactToken: anonymous.contactToken, label: 'anonymous-again' });
    assert.equal(back.contact.id, anonymous.contact.id);
    await back.close();
  });
});

describe('require_verified_identity', () => {
  it('refuses a hello without an identity, and takes one with', async () => {
    const userId = `required-${uid()}`;
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { require_verified_identity: true }), 200);
    try {
      const err = await refused(null, 'identity_required');
      assert.match(err.message, /signed-in/);
      const ok = await verified({ user_id: userId, user_hash: userHash(userId, secrets[1]) });
      assert.equal(ok.contact.verified, true);
      await ok.close();
      // The last secret of a site that requires them cannot be retired.
      expectStatus(await api(server, ctx.token, 'DELETE', `/sites/${ctx.site.id}/identity-secrets/2`), 204);
      expectStatus(await api(server, ctx.token, 'DELETE', `/sites/${ctx.site.id}/identity-secrets/1`), 409, 'conflict');
      const readded = expectStatus(await api(server, ctx.token, 'POST', `/sites/${ctx.site.id}/identity-secrets`), 201);
      assert.equal(readded.n, 2);
      secrets[2] = readded.secret;
    } finally {
      expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { require_verified_identity: false }), 200);
    }
  });

  it('cannot be turned on for a site without a secret', async () => {
    const res = await api(server, B.token, 'DELETE', `/sites/${B.site.id}/identity-secrets/1`);
    expectStatus(res, 204);
    expectStatus(await api(server, B.token, 'PATCH', `/sites/${B.site.id}`, { require_verified_identity: true }), 400, 'validation_failed');
    expectStatus(await api(server, B.token, 'PATCH', `/sites/${B.site.id}`, { require_verified_identity: 'yes' }), 400);
    expectStatus(await api(server, B.token, 'DELETE', `/sites/${B.site.id}/identity-secrets/1`), 404, 'not_found');
  });
});

describe('rotation', () => {
  it('a retired secret\'s tokens are refused; the other one\'s still verify', async () => {
    const userId = `rotated-${uid()}`;
    const oldToken = jwt({ sub: userId, exp: inTenMinutes() }, secrets[1]);
    (await verified({ token: oldToken })).close();
    expectStatus(await api(server, ctx.token, 'DELETE', `/sites/${ctx.site.id}/identity-secrets/1`), 204);
    await refused({ token: oldToken }, 'bad_identity');
    const ok = await verified({ token: jwt({ sub: userId, exp: inTenMinutes() }, secrets[2]) });
    assert.equal(ok.contact.verified, true);
    await ok.close();
  });
});
