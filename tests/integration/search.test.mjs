// Search and contacts over REST: inflected Finnish and English words, an e-mail address,
// an order number, filters, highlighted snippets, the matching message and the history
// around it (how the console opens a result), tenancy and bad input; the contacts list, one
// contact with every conversation, and edits of its name and e-mail.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus, visitor, login, cliOk } from './lib/harness.mjs';

let server;
let A;
let B;
let convFi;
let convEn;
let visitorFi;

const search = (token, query) => api(server, token, 'GET', `/search?${query}`);
const ids = (page) => page.items.map((item) => item.conversation.id);
const marked = (match) => match.snippet.filter((s) => s.mark).map((s) => s.text);

before(async () => {
  server = await startServer();
  A = await demo(server);
  const dir = server.dataDir;
  await cliOk(['admin', 'workspace', 'create', '--data-dir', dir, '--name', 'Beta']);
  await cliOk(['admin', 'agent', 'create', '--data-dir', dir, '--workspace', 'Beta', '--email', 'bea@beta.example',
    '--name', 'Bea', '--password', 'beta-password-123', '--role', 'admin']);
  B = await login(server, 'bea@beta.example', 'beta-password-123');
  visitorFi = await visitor(server, A.siteKey, { label: 'fi' });
  convFi = (await visitorFi.sendMessage('Missä tilaukset ovat? Tilausnumero ORD-1234')).conversation_id;
  await visitorFi.sendMessage('Paketti ei ole tullut');
  const visitorEn = await visitor(server, A.siteKey, { label: 'en' });
  convEn = (await visitorEn.sendMessage('Where are my orders? Write to anna.k@example.com')).conversation_id;
});

describe('search', () => {
  it('finds a Finnish word in another inflection, with the matched word marked', async () => {
    const page = expectStatus(await search(A.token, 'q=tilauksen'), 200);
    assert.deepEqual(ids(page), [convFi]);
    const [match] = page.items[0].matches;
    assert.equal(match.seq, 1);
    assert.deepEqual(marked(match), ['tilaukset']);
    assert.equal(match.snippet.map((s) => s.text).join(''), 'Missä tilaukset ovat? Tilausnumero ORD-1234');
    const paketin = expectStatus(await search(A.token, 'q=paketin'), 200);
    assert.equal(paketin.items[0].matches[0].seq, 2);
  });

  it('finds an English word in another inflection', async () => {
    const page = expectStatus(await search(A.token, 'q=ordered'), 200);
    assert.deepEqual(ids(page), [convEn]);
    assert.deepEqual(marked(page.items[0].matches[0]), ['orders']);
  });

  it('finds an e-mail address and an order number as whole words', async () => {
    const mail = expectStatus(await search(A.token, `q=${encodeURIComponent('anna.k@example.com')}`), 200);
    assert.deepEqual(ids(mail), [convEn]);
    assert.deepEqual(marked(mail.items[0].matches[0]), ['anna.k@example.com']);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=example.org'), 200)), []);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=1234'), 200)), [convFi]);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=ORD-1234'), 200)), [convFi]);
  });

  it('finds a conversation by its contact’s name and e-mail', async () => {
    expectStatus(await api(server, A.token, 'PATCH', `/contacts/${visitorFi.contact.id}`,
      { name: 'Maija Meikäläinen', email: 'maija@shop.example' }), 200);
    const byName = expectStatus(await search(A.token, 'q=meikäläinen'), 200);
    assert.deepEqual(ids(byName), [convFi]);
    assert.deepEqual(byName.items[0].matches, []);
    assert.equal(byName.items[0].contact.email, 'maija@shop.example');
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=maija@shop.example'), 200)), [convFi]);
  });

  it('filters by status, site, date and assignee', async () => {
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=tilauksen&status=closed'), 200)), []);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=tilauksen&status=open'), 200)), [convFi]);
    assert.deepEqual(ids(expectStatus(await search(A.token, `q=tilauksen&site=${A.site.id}`), 200)), [convFi]);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=tilauksen&site=999999'), 200)), []);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=tilauksen&to=1000'), 200)), []);
    assert.deepEqual(ids(expectStatus(await search(A.token, `q=tilauksen&from=${Date.now() + 3600000}`), 200)), []);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=tilauksen&assignee=none'), 200)), [convFi]);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=tilauksen&assignee=me'), 200)), []);
  });

  it('needs every word, and a query is never FTS5 syntax', async () => {
    assert.deepEqual(ids(expectStatus(await search(A.token, `q=${encodeURIComponent('ORD-1234 OR where')}`), 200)), []);
    assert.deepEqual(ids(expectStatus(await search(A.token, `q=${encodeURIComponent('"tilauksen" NEAR(')}`), 200)), []);
  });

  it('names the matching message, and the messages around its seq page both ways without gaps', async () => {
    const v = await visitor(server, A.siteKey, { label: 'long' });
    let conv;
    for (let i = 1; i <= 30; i++) {
      conv = (await v.sendMessage(i === 5 ? 'Reklamaatio numero RMA-5150' : `Viesti ${i}`)).conversation_id;
    }
    const messages = (query) => api(server, A.token, 'GET', `/conversations/${conv}/messages?${query}`);
    const [match] = expectStatus(await search(A.token, 'q=RMA-5150'), 200).items[0].matches;
    const upTo = expectStatus(await messages(`before_seq=${match.seq + 1}&limit=3`), 200);
    assert.deepEqual(upTo.items.map((m) => m.seq), [3, 4, 5]);
    assert.equal(upTo.has_more, true);
    assert.equal(upTo.items[2].id, match.message_id);
    assert.equal(upTo.items[2].body, 'Reklamaatio numero RMA-5150');
    // Forward from the match until the newest: every seq once, in order.
    const seqs = upTo.items.map((m) => m.seq);
    for (let page = { has_more: true }; page.has_more;) {
      page = expectStatus(await messages(`after_seq=${seqs[seqs.length - 1]}&limit=10`), 200);
      seqs.push(...page.items.map((m) => m.seq));
    }
    assert.deepEqual(seqs, Array.from({ length: 28 }, (_, i) => i + 3));
    const between = expectStatus(await messages('after_seq=5&before_seq=9&limit=10'), 200);
    assert.deepEqual(between.items.map((m) => m.seq), [6, 7, 8]);
    assert.equal(between.has_more, false);

    for (const query of ['after_seq=-1', 'before_seq=1.5', 'after_seq=5&limit=0', 'before_seq=6&limit=501']) {
      expectStatus(await messages(query), 400, 'validation_failed');
    }
    expectStatus(await api(server, B.token, 'GET', `/conversations/${conv}/messages?before_seq=${match.seq + 1}&limit=3`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'GET', `/conversations/${conv}/messages?after_seq=${match.seq}`), 404, 'not_found');
    await v.close();
  });

  it('another workspace finds nothing', async () => {
    assert.deepEqual(ids(expectStatus(await search(B.token, 'q=tilauksen'), 200)), []);
    assert.deepEqual(ids(expectStatus(await search(B.token, 'q=anna.k@example.com'), 200)), []);
    expectStatus(await api(server, B.token, 'GET', `/contacts/${visitorFi.contact.id}`), 404, 'not_found');
    expectStatus(await api(server, B.token, 'PATCH', `/contacts/${visitorFi.contact.id}`, { name: 'X' }), 404, 'not_found');
    assert.deepEqual(expectStatus(await api(server, B.token, 'GET', '/contacts'), 200).items, []);
  });

  it('refuses bad input', async () => {
    expectStatus(await search(A.token, 'q='), 400, 'validation_failed');
    expectStatus(await search(A.token, 'q=%21%21%21'), 400, 'validation_failed');
    expectStatus(await search(A.token, `q=${'a'.repeat(201)}`), 400, 'validation_failed');
    expectStatus(await search(A.token, 'q=x&status=gone'), 400, 'validation_failed');
    expectStatus(await search(A.token, 'q=x&from=yesterday'), 400, 'validation_failed');
    expectStatus(await search(A.token, 'q=x&limit=0'), 400, 'validation_failed');
    expectStatus(await search(A.token, 'q=x&limit=101'), 400, 'validation_failed');
    expectStatus(await search(A.token, 'q=x&cursor=abc'), 400, 'validation_failed');
    expectStatus(await api(server, null, 'GET', '/search?q=x'), 401, 'unauthorized');
  });
});

describe('contacts', () => {
  it('lists contacts newest seen first and searches them', async () => {
    const page = expectStatus(await api(server, A.token, 'GET', '/contacts'), 200);
    assert.ok(page.items.length >= 2);
    for (let i = 1; i < page.items.length; i++) {
      assert.ok(page.items[i - 1].last_seen >= page.items[i].last_seen);
    }
    const found = expectStatus(await api(server, A.token, 'GET', '/contacts?q=maija'), 200);
    assert.deepEqual(found.items.map((c) => c.id), [visitorFi.contact.id]);
    const one = expectStatus(await api(server, A.token, 'GET', '/contacts?limit=1'), 200);
    assert.equal(one.items.length, 1);
    assert.ok(one.next_cursor);
    const next = expectStatus(await api(server, A.token, 'GET', `/contacts?limit=1&cursor=${one.next_cursor}`), 200);
    assert.notEqual(next.items[0].id, one.items[0].id);
  });

  it('shows a contact with every conversation', async () => {
    const record = expectStatus(await api(server, A.token, 'GET', `/contacts/${visitorFi.contact.id}`), 200);
    assert.equal(record.contact.name, 'Maija Meikäläinen');
    assert.deepEqual(record.conversations.map((c) => c.id), [convFi]);
    assert.ok(Array.isArray(record.page_views));
  });

  it('edits a name and an e-mail, validated', async () => {
    const id = visitorFi.contact.id;
    const edited = expectStatus(await api(server, A.token, 'PATCH', `/contacts/${id}`, { email: 'Maija@Other.example' }), 200);
    assert.equal(edited.email, 'maija@other.example');
    assert.equal(edited.name, 'Maija Meikäläinen');
    expectStatus(await api(server, A.token, 'PATCH', `/contacts/${id}`, { email: 'not an address' }), 400, 'validation_failed');
    expectStatus(await api(server, A.token, 'PATCH', `/contacts/${id}`, { name: 'a\u0007b' }), 400, 'validation_failed');
    expectStatus(await api(server, A.token, 'PATCH', `/contacts/${id}`, {}), 400, 'validation_failed');
    expectStatus(await api(server, A.token, 'PATCH', '/contacts/999999', { name: 'X' }), 404, 'not_found');
    const record = expectStatus(await api(server, A.token, 'GET', `/contacts/${id}`), 200);
    assert.equal(record.contact.email, 'maija@other.example');
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=maija@other.example'), 200)), [convFi]);
    assert.deepEqual(ids(expectStatus(await search(A.token, 'q=maija@shop.example'), 200)), []);
  });
});
