// A site's greeting and offline message per language, and saved replies per language
// (docs/api.md, "Sites" and "Canned responses"): the widget's welcome carries the texts
// of the page's language, else the browser's, else the site's own.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus, visitor } from './lib/harness.mjs';

let server;
let ctx;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
});

const patchSite = (body) => api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, body);

async function welcomeSite(context) {
  const v = await visitor(server, ctx.siteKey, { context });
  const { site } = v.welcome;
  await v.close();
  return site;
}

describe('site texts per language', () => {
  before(async () => {
    expectStatus(await patchSite({
      greeting: 'Hi! How can we help?',
      offline_message: 'We are away; leave a message.',
      translations: [
        { language: 'sv', greeting: 'Hej! Hur kan vi hjälpa dig?', offline_message: 'Vi är borta.' },
        { language: 'fi-FI', greeting: 'Hei! Miten voimme auttaa?', offline_message: '' },
      ],
    }), 200);
  });

  it('are kept and shown to admins as given', async () => {
    const site = expectStatus(await api(server, ctx.token, 'GET', `/sites/${ctx.site.id}`), 200);
    assert.equal(site.offline_message, 'We are away; leave a message.');
    assert.deepEqual(site.translations.map((t) => t.language), ['sv', 'fi-FI']);
    assert.equal(site.translations[1].offline_message, '');
  });

  it('the welcome follows the page\'s language, then the browser\'s, else the site\'s own', async () => {
    const swedishPage = await welcomeSite({ page_language: 'sv-FI', language: 'fi-FI' });
    assert.equal(swedishPage.greeting, 'Hej! Hur kan vi hjälpa dig?');
    assert.equal(swedishPage.offline_message, 'Vi är borta.');
    assert.equal(swedishPage.language, 'sv');

    const finnishBrowser = await welcomeSite({ page_language: 'de', language: 'fi' });
    assert.equal(finnishBrowser.greeting, 'Hei! Miten voimme auttaa?');
    // The Finnish translation has no offline message: the site's own one.
    assert.equal(finnishBrowser.offline_message, 'We are away; leave a message.');

    const other = await welcomeSite({ page_language: 'de-DE', language: 'de' });
    assert.equal(other.greeting, 'Hi! How can we help?');
    assert.equal(other.language, '');
    const none = await welcomeSite(undefined);
    assert.equal(none.greeting, 'Hi! How can we help?');
  });

  it('bad translations are refused and change nothing', async () => {
    const before = expectStatus(await api(server, ctx.token, 'GET', `/sites/${ctx.site.id}`), 200);
    const bad = [
      [{ translations: [{ language: 'not a tag', greeting: 'x' }] }, /language tag/],
      [{ translations: [{ language: 'sv' }, { language: 'SV' }] }, /twice/],
      [{ translations: [{ language: 'sv', greeting: 'x'.repeat(1001) }] }, /1000 bytes/],
      [{ translations: Array.from({ length: 21 }, (_, i) => ({ language: `x${i}` })) }, /at most 20/],
      [{ translations: 'sv' }, /array/],
      [{ translations: [{ greeting: 'no language' }] }, /language/],
      [{ offline_message: 'a\u0000b' }, /offline_message/],
    ];
    for (const [body, message] of bad) {
      const res = await patchSite(body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(res.body.error.message, message);
    }
    const after = expectStatus(await api(server, ctx.token, 'GET', `/sites/${ctx.site.id}`), 200);
    assert.deepEqual(after, before);
  });
});

describe('saved replies per language', () => {
  it('one shortcut once per language; a bad language is refused', async () => {
    const t = ctx.token;
    const any = expectStatus(await api(server, t, 'POST', '/canned-responses', {
      shortcut: 'delivery', body: 'We deliver in two days.',
    }), 201);
    assert.equal(any.language, '');
    const finnish = expectStatus(await api(server, t, 'POST', '/canned-responses', {
      shortcut: 'delivery', body: 'Toimitamme kahdessa päivässä.', language: 'fi',
    }), 201);
    assert.equal(finnish.language, 'fi');
    const again = await api(server, t, 'POST', '/canned-responses', {
      shortcut: 'delivery', body: 'Toinen', language: 'fi',
    });
    assert.equal(again.status, 409);
    assert.match(again.body.error.message, /this language/);
    const bad = await api(server, t, 'POST', '/canned-responses', {
      shortcut: 'returns', body: 'x', language: 'Finnish please',
    });
    assert.equal(bad.status, 400);
    const listed = expectStatus(await api(server, t, 'GET', '/canned-responses'), 200);
    assert.deepEqual(listed.items.filter((c) => c.shortcut === 'delivery').map((c) => c.language), ['', 'fi']);
    const moved = expectStatus(await api(server, t, 'PATCH', `/canned-responses/${any.id}`, { language: 'sv' }), 200);
    assert.equal(moved.language, 'sv');
  });
});
