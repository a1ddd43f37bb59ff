// Rate limits (docs/security.md): each one answers 429 with Retry-After on REST and an
// `error` frame `rate_limited` (with retry_after_ms) on the socket, and changes nothing;
// behind a trusted proxy the client is the address in X-Forwarded-For, and without one
// that header is ignored. Each server here is started with small limits so that a test
// reaches them in a few requests.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  startServer, demo, api, expectStatus, visitor, connectWs, expectError, uid, login, createAgent,
  ADMIN_EMAIL, ADMIN_PASSWORD,
} from './lib/harness.mjs';

let server;   // trusts 127.0.0.1 as a proxy: X-Forwarded-For picks the client
let ctx;

before(async () => {
  server = await startServer({
    env: {
      JUTTU_TRUSTED_PROXIES: '127.0.0.1',
      JUTTU_LIMIT_LOGIN_PER_ADDRESS: '6/60',
      JUTTU_LIMIT_LOGIN_PER_ACCOUNT: '3/60',
      JUTTU_LIMIT_PASSWORD_CHANGE_PER_AGENT: '2/60',
      JUTTU_LIMIT_SEARCHES_PER_AGENT: '3/60',
      JUTTU_LIMIT_CONTACTS_PER_ADDRESS: '3/60',
      JUTTU_LIMIT_CONTACTS_PER_SITE: '12/60',
      JUTTU_LIMIT_CONVERSATIONS_PER_ADDRESS: '2/60',
      JUTTU_LIMIT_MESSAGES_PER_CONTACT: '5/60',
      JUTTU_LIMIT_PAGE_VIEWS_PER_CONTACT: '4/60',
      JUTTU_LIMIT_ATTRIBUTES_PER_CONTACT: '2/60',
      JUTTU_LIMIT_SOCKETS_PER_CONTACT: '3',
    },
  });
  ctx = await demo(server);
});

const from = (address) => ({ 'X-Forwarded-For': address });

function expect429(res) {
  expectStatus(res, 429, 'rate_limited');
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After: ${res.headers.get('retry-after')}`);
  assert.ok(res.body.error.retry_after_ms > 0);
}

async function visitorFrom(address, opts = {}) {
  return visitor(server, ctx.siteKey, { ...opts, headers: from(address) });
}

async function refusedHello(address, hello = {}) {
  const client = await connectWs(server, { origin: server.origin, headers: from(address) });
  const err = await expectError(client, { type: 'hello', role: 'visitor', site_key: ctx.siteKey, ...hello },
    'rate_limited', { closeCode: 1013 });
  return err;
}

async function conversationCount() {
  const page = expectStatus(await api(server, ctx.token, 'GET', '/conversations?limit=100'), 200);
  return page.items.length;
}

describe('REST limits', () => {
  it('logins per account: after 3 wrong passwords the account is refused, even with the right one', async () => {
    await createAgent(server.url, ctx.token, { email: 'guessed@example.com', password: 'right-password-1' });
    for (let i = 0; i < 3; i++) {
      const res = await api(server, null, 'POST', '/auth/login', { email: 'guessed@example.com', password: `wrong-${i}` },
        { headers: from(`198.51.100.${i + 1}`) });
      expectStatus(res, 401, 'invalid_credentials');
    }
    const res = await api(server, null, 'POST', '/auth/login', { email: 'guessed@example.com', password: 'right-password-1' },
      { headers: from('198.51.100.9') });
    expect429(res);
    // Another account is not affected, and an unknown account is limited alike.
    await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  it('logins per address: the seventh attempt from one address is refused; a success gives its token back', async () => {
    const address = '203.0.113.7';
    for (let i = 0; i < 10; i++) {
      const ok = await api(server, null, 'POST', '/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, { headers: from(address) });
      expectStatus(ok, 200);
    }
    for (let i = 0; i < 6; i++) {
      const res = await api(server, null, 'POST', '/auth/login', { email: `nobody${i}@example.com`, password: 'x-wrong-password' },
        { headers: from(address) });
      expectStatus(res, 401, 'invalid_credentials');
    }
    expect429(await api(server, null, 'POST', '/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, { headers: from(address) }));
    // Another address still logs in.
    expectStatus(await api(server, null, 'POST', '/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      { headers: from('203.0.113.8') }), 200);
  });

  it('password changes: wrong current passwords are limited per agent and change nothing', async () => {
    const agent = await createAgent(server.url, ctx.token, { email: 'pw-guess@example.com', password: 'first-password-1' });
    for (let i = 0; i < 2; i++) {
      const res = await api(server, agent.token, 'POST', '/me/password', { current_password: `guess-${i}-x`, new_password: 'second-password-1' });
      expectStatus(res, 403, 'forbidden');
    }
    expect429(await api(server, agent.token, 'POST', '/me/password', { current_password: 'first-password-1', new_password: 'second-password-1' }));
    // The password is unchanged.
    expectStatus(await api(server, null, 'POST', '/auth/login', { email: 'pw-guess@example.com', password: 'first-password-1' },
      { headers: from('192.0.2.50') }), 200);
  });

  it('searches per agent: the fourth search in a minute is refused; another agent still searches', async () => {
    const searcher = await createAgent(server.url, ctx.token, { email: 'searcher@example.com' });
    for (let i = 0; i < 3; i++) expectStatus(await api(server, searcher.token, 'GET', `/search?q=word${i}`), 200);
    const refused = await api(server, searcher.token, 'GET', '/search?q=word3');
    expect429(refused);
    assert.match(refused.body.error.message, /searches/);
    expectStatus(await api(server, ctx.token, 'GET', '/search?q=word3'), 200);
  });
});

describe('visitor limits', () => {
  it('new contacts per address: the fourth new visitor is refused, returning ones and other addresses are not', async () => {
    const first = await visitorFrom('198.18.0.1');
    await visitorFrom('198.18.0.1');
    await visitorFrom('198.18.0.1');
    const err = await refusedHello('198.18.0.1');
    assert.ok(err.retry_after_ms > 0);
    // A returning visitor's token still works from that address, and a new address is fine.
    const back = await visitorFrom('198.18.0.1', { contactToken: first.contactToken });
    assert.equal(back.contact.id, first.contact.id);
    await visitorFrom('198.18.0.2');
    // IPv6 clients are counted by their /64.
    await visitorFrom('2001:db8:1:2::a');
    await visitorFrom('2001:db8:1:2::b');
    await visitorFrom('2001:db8:1:2:ffff::c');
    await refusedHello('2001:db8:1:2::d');
    await visitorFrom('2001:db8:1:3::a');
  });

  it('new contacts per site: a flood from many addresses stops at the site limit', async () => {
    // 12 per site in all; the test above used 8 of them.
    let welcomed = 0;
    let refused = 0;
    for (let i = 0; i < 8; i++) {
      const client = await connectWs(server, { origin: server.origin, headers: from(`100.64.${i}.1`) });
      client.send({ type: 'hello', role: 'visitor', site_key: ctx.siteKey });
      const first = await client.next((f) => f.type === 'welcome' || f.type === 'error');
      if (first.type === 'welcome') welcomed++;
      else { assert.equal(first.code, 'rate_limited'); refused++; }
      client.terminate();
    }
    assert.equal(welcomed, 4);
    assert.equal(refused, 4);
  });
});

describe('chat limits', () => {
  let chat;  // a server with room for visitors, and small chat limits
  let chatCtx;
  before(async () => {
    chat = await startServer({
      env: {
        JUTTU_TRUSTED_PROXIES: '127.0.0.0/8',
        JUTTU_LIMIT_CONVERSATIONS_PER_ADDRESS: '2/60',
        JUTTU_LIMIT_MESSAGES_PER_CONTACT: '5/60',
        JUTTU_LIMIT_PAGE_VIEWS_PER_CONTACT: '4/60',
        JUTTU_LIMIT_ATTRIBUTES_PER_CONTACT: '2/60',
        JUTTU_LIMIT_SOCKETS_PER_CONTACT: '3',
      },
    });
    chatCtx = await demo(chat);
  });
  const chatVisitor = (address, opts = {}) => visitor(chat, chatCtx.siteKey, { ...opts, headers: from(address) });
  const conversations = async () => expectStatus(await api(chat, chatCtx.token, 'GET', '/conversations?limit=100'), 200).items;

  it('new conversations per address: the third visitor from one address cannot start a chat; nothing is stored', async () => {
    const a = await chatVisitor('192.0.2.10');
    const b = await chatVisitor('192.0.2.10');
    const c = await chatVisitor('192.0.2.10');
    await a.sendMessage('first chat');
    await b.sendMessage('second chat');
    const before = (await conversations()).length;
    const clientId = uid('c');
    const err = await expectError(c, { type: 'send', client_id: clientId, body: 'third chat' }, 'rate_limited', { ref: clientId });
    assert.ok(err.retry_after_ms > 0);
    assert.equal((await conversations()).length, before);
    // The first two can go on chatting in their conversations.
    await a.sendMessage('still here');
    // And a visitor from another address can start one.
    await (await chatVisitor('192.0.2.11')).sendMessage('other address');
    assert.equal((await conversations()).length, before + 1);
  });

  it('messages per contact: a burst of 5, then rate_limited, and only 5 are stored', async () => {
    const v = await chatVisitor('192.0.2.20');
    for (let i = 0; i < 5; i++) await v.sendMessage(`burst ${i}`);
    const clientId = uid('m');
    const err = await expectError(v, { type: 'send', client_id: clientId, body: 'one too many' }, 'rate_limited', { ref: clientId });
    assert.ok(err.retry_after_ms > 0 && err.retry_after_ms <= 12000, JSON.stringify(err));
    const conv = v.received('ack')[0].conversation_id;
    const items = expectStatus(await api(chat, chatCtx.token, 'GET', `/conversations/${conv}/messages?after_seq=0`), 200).items;
    assert.equal(items.length, 5);
    assert.ok(v.isOpen, 'a limited visitor keeps the socket');
  });

  it('sockets per contact: the fourth socket with one contact token is refused; a closed one frees its place', async () => {
    const first = await chatVisitor('192.0.2.30');
    const more = [await chatVisitor('192.0.2.30', { contactToken: first.contactToken }),
      await chatVisitor('192.0.2.30', { contactToken: first.contactToken })];
    const fourth = await connectWs(chat, { origin: chat.origin, headers: from('192.0.2.30') });
    await expectError(fourth, { type: 'hello', role: 'visitor', site_key: chatCtx.siteKey, contact_token: first.contactToken },
      'rate_limited', { closeCode: 1013 });
    await more[0].close();
    await new Promise((r) => setTimeout(r, 200));
    await chatVisitor('192.0.2.30', { contactToken: first.contactToken });
  });

  it('page views and attributes per contact are limited', async () => {
    const v = await chatVisitor('192.0.2.40');
    for (let i = 0; i < 4; i++) v.send({ type: 'page_view', url: `https://shop.example/p/${i}` });
    await expectError(v, { type: 'page_view', url: 'https://shop.example/p/too-many' }, 'rate_limited', { ref: 'page_view' });
    for (let i = 0; i < 2; i++) v.send({ type: 'attributes', attributes: { cart: String(i) } });
    await expectError(v, { type: 'attributes', attributes: { cart: 'too many' } }, 'rate_limited', { ref: 'attributes' });
    const contact = expectStatus(await api(chat, chatCtx.token, 'GET', `/contacts/${v.contact.id}`), 200);
    assert.equal(contact.page_views.length, 4);
    assert.equal(contact.contact.attributes.cart, '1');
  });
});

describe('without a trusted proxy', () => {
  it('X-Forwarded-For is ignored: every request counts against the peer address', async () => {
    const direct = await startServer({ env: { JUTTU_LIMIT_LOGIN_PER_ADDRESS: '3/60' } });
    for (let i = 0; i < 3; i++) {
      const res = await api(direct, null, 'POST', '/auth/login', { email: 'x@example.com', password: 'wrong-password' },
        { headers: from(`198.51.100.${100 + i}`) });
      expectStatus(res, 401, 'invalid_credentials');
    }
    expect429(await api(direct, null, 'POST', '/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      { headers: from('198.51.100.200') }));
  });
});

describe('bounded history', () => {
  it('a contact keeps only its newest 100 page views', async () => {
    const open = await startServer({ env: { JUTTU_LIMIT_PAGE_VIEWS_PER_CONTACT: '0' } });
    const d = await demo(open);
    const v = await visitor(open, d.siteKey);
    for (let i = 0; i < 130; i++) v.send({ type: 'page_view', url: `https://shop.example/view/${i}` });
    await v.sendMessage('after the views');  // frames are handled in order: the views are stored
    await open.stop();
    const db = path.join(open.dataDir, 'juttu.db');
    const out = execFileSync('sqlite3', [db, `SELECT COUNT(*), MIN(url) FROM page_views WHERE contact_id = ${v.contact.id}`]).toString().trim();
    const [count, oldest] = out.split('|');
    assert.equal(Number(count), 100);
    assert.ok(oldest.startsWith('https://shop.example/view/'), oldest);
    const kept = execFileSync('sqlite3', [db, `SELECT url FROM page_views WHERE contact_id = ${v.contact.id} ORDER BY id LIMIT 1`]).toString().trim();
    assert.equal(kept, 'https://shop.example/view/30');
  });
});

describe('the defaults', () => {
  it('a server started without settings limits a visitor to a burst of 20 messages', async () => {
    const plain = await startServer({ limits: 'default' });
    const d = await demo(plain);
    const v = await visitor(plain, d.siteKey);
    for (let i = 0; i < 20; i++) v.send({ type: 'send', client_id: `burst-${i}`, body: `message ${i}` });
    const answers = [];
    for (let i = 0; i < 21; i++) {
      answers.push(await v.next((f) => f.type === 'ack' || f.type === 'error'));
      if (i === 19) v.send({ type: 'send', client_id: 'burst-20', body: 'one too many' });
    }
    assert.deepEqual(answers.slice(0, 20).map((f) => f.type), Array(20).fill('ack'));
    assert.equal(answers[20].type, 'error');
    assert.equal(answers[20].code, 'rate_limited');
    assert.equal(answers[20].ref, 'burst-20');
  });
});
