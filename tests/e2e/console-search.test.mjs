// The console's Search and Contacts pages in a real browser, found by role and accessible
// name: a search from the top bar for an inflected word, its marked snippet, the filters, Load
// more, opening a (closed) result in the inbox, a visitor's markup shown as text, opening a
// long conversation at an old match (in view, marked) and paging later messages in up to the
// newest, a message that came meanwhile included; the contacts
// list and its filter, a contact's page with its conversations and pages, and editing the
// contact's e-mail (saved, or refused with the server's reason and nothing changed).
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startServer, demo, api, expectStatus, visitor, createAgent, eventually, ADMIN_EMAIL, ADMIN_PASSWORD, REPO_ROOT,
} from '../integration/lib/harness.mjs';
import { launchBrowser, storySteps } from './lib/browser.mjs';

const MAIJA_MESSAGE = 'Missä tilaukset ovat? Tilausnumero ORD-1234';
const MARKUP = '<img src=x onerror="window.injected=true">';
const MARKUP_MESSAGE = `Paketti ${MARKUP} ei tullut`;
// More than the Search page's first page (25): Load more brings the rest.
const INVOICES = 27;
// A long conversation whose match is far older than its newest messages.
const LONG = 150;
const OLD_MATCH_SEQ = 10;
const OLD_MATCH = 'My espresso machine leaks water';
const longMessage = (seq) => (seq === OLD_MATCH_SEQ ? OLD_MATCH : `Question number ${seq}`);
// Two returns: one in the Demo shop, Olli's in the Billing team, one in the outlet, nobody's.
const DEMO_RETURN = 'Palautus: kengät ovat liian pienet';
const OUTLET_RETURN = 'Palautus outletin takista';
const OUTLET_ORIGIN = 'http://outlet.example';

let server;
let ctx;
let browser;
let page;
let maija;
let maijaConversation;
let pekka;
const pageErrors = [];

before(async () => {
  // The bundle of this checkout, wherever the server binary was built.
  server = await startServer({ env: { JUTTU_WEB_ROOT: path.join(REPO_ROOT, 'web', 'public') } });
  ctx = await demo(server);
  expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'manual' }), 200);

  // Older than Maija, so that she stays on the Contacts page's first page.
  const olli = await createAgent(server.url, ctx.token, { name: 'Olli Oja' });
  const billing = expectStatus(await api(server, ctx.token, 'POST', '/teams', { name: 'Billing', agent_ids: [olli.agent.id] }), 201);
  const outlet = expectStatus(await api(server, ctx.token, 'POST', '/sites', { name: 'Outlet shop', allowed_origins: [OUTLET_ORIGIN] }), 201);
  const returner = await visitor(server, ctx.siteKey, { label: 'returner' });
  const returned = (await returner.sendMessage(DEMO_RETURN)).conversation_id;
  expectStatus(await api(server, ctx.token, 'POST', `/conversations/${returned}/transfer`, { team_id: billing.id }), 200);
  expectStatus(await api(server, ctx.token, 'POST', `/conversations/${returned}/assign`, { agent_id: olli.agent.id }), 200);
  const outletVisitor = await visitor(server, outlet.key, { origin: OUTLET_ORIGIN, label: 'outlet' });
  await outletVisitor.sendMessage(OUTLET_RETURN);

  maija = await visitor(server, ctx.siteKey, { label: 'maija' });
  maijaConversation = (await maija.sendMessage(MAIJA_MESSAGE)).conversation_id;
  maija.send({ type: 'page_view', url: `${server.origin}/demo/products/teapot`, title: 'Blue teapot', referrer: '' });
  expectStatus(await api(server, ctx.token, 'PATCH', `/contacts/${maija.contact.id}`,
    { name: 'Maija Meikäläinen', email: 'maija@shop.example' }), 200);
  expectStatus(await api(server, ctx.token, 'POST', `/conversations/${maijaConversation}/close`), 200);

  const prankster = await visitor(server, ctx.siteKey, { label: 'prankster' });
  await prankster.sendMessage(MARKUP_MESSAGE);
  for (let i = 0; i < INVOICES; i++) {
    const client = await visitor(server, ctx.siteKey, { label: `invoice-${i}` });
    await client.sendMessage(`Lasku numero ${i} on maksettu`);
    await client.close();
  }
  pekka = await visitor(server, ctx.siteKey, { label: 'pekka' });
  for (let seq = 1; seq <= LONG; seq++) await pekka.sendMessage(longMessage(seq));
  expectStatus(await api(server, ctx.token, 'PATCH', `/contacts/${pekka.contact.id}`, { name: 'Pekka Virtanen' }), 200);
  await eventually(async () => {
    const record = expectStatus(await api(server, ctx.token, 'GET', `/contacts/${maija.contact.id}`), 200);
    return record.page_views.length === 1;
  }, { what: "Maija's page view stored" });

  browser = await launchBrowser();
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(5000);
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  if (browser) await browser.close();
});

const searchBox = () => page.getByRole('searchbox', { name: 'Search', exact: true });
const results = () => page.getByRole('list', { name: 'Search results' });
const result = (text) => results().getByRole('listitem').filter({ hasText: text });
const searchStatus = () => page.getByRole('main').getByRole('status');
const filters = () => page.getByRole('group', { name: 'Filters' });
const messageLog = () => page.getByRole('log', { name: 'Messages' });
const mainNav = () => page.getByRole('navigation', { name: 'Main' });
const contactsList = () => page.getByRole('list', { name: 'Contacts' });
const editForm = () => page.getByRole('form', { name: 'Edit contact' });

async function search(words) {
  await searchBox().fill(words);
  await searchBox().press('Enter');
  await eventually(async () => new URL(page.url()).hash.startsWith('#/search?'), { what: 'the Search page' });
}

async function storedEmail() {
  return expectStatus(await api(server, ctx.token, 'GET', `/contacts/${maija.contact.id}`), 200).contact.email;
}

const step = storySteps();

describe('console search and contacts', () => {
  step('logs in', async () => {
    await page.goto(`${server.url}/console/`);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await searchBox().waitFor();
  });

  step('searches from the top bar for another form of a word: the matched word is marked', async () => {
    await search('tilauksen');
    await result('Maija Meikäläinen').waitFor();
    assert.equal(await results().getByRole('listitem').count(), 1);
    const row = result('Maija Meikäläinen');
    assert.deepEqual(await row.locator('mark').allTextContents(), ['tilaukset']);
    assert.equal(await row.locator('.snippet').textContent(), MAIJA_MESSAGE);
    assert.match(await row.textContent(), /maija@shop\.example/);
    assert.match(await row.textContent(), /Closed/);
    assert.equal(await searchStatus().textContent(), 'Conversations found: 1');
  });

  step('filters by status, assignee and days, and says when nothing matches', async () => {
    await filters().getByLabel('Status').selectOption({ label: 'Open' });
    await searchStatus().getByText('No conversations match “tilauksen” with these filters.').waitFor();
    assert.equal(await results().count(), 0);
    await filters().getByLabel('Status').selectOption({ label: 'Closed' });
    await result('Maija Meikäläinen').waitFor();
    await filters().getByLabel('Assignee').selectOption({ label: 'Me' });
    await searchStatus().getByText('No conversations match', { exact: false }).waitFor();
    await filters().getByLabel('Assignee').selectOption({ label: 'Unassigned' });
    await result('Maija Meikäläinen').waitFor();
    await filters().getByLabel('To').fill('2020-01-31');
    await searchStatus().getByText('No conversations match', { exact: false }).waitFor();
    await filters().getByRole('button', { name: 'Clear filters' }).click();
    await result('Maija Meikäläinen').waitFor();
    assert.equal(new URL(page.url()).hash, '#/search?q=tilauksen');
    assert.equal(await searchBox().inputValue(), 'tilauksen');
  });

  step('filters by an agent, a team and a site', async () => {
    await search('palautus');
    await result(DEMO_RETURN).waitFor();
    await result(OUTLET_RETURN).waitFor();
    const only = async (text) => {
      await eventually(async () => (await results().getByRole('listitem').count()) === 1, { what: `only "${text}"` });
      await result(text).waitFor();
    };
    await filters().getByLabel('Assignee').selectOption({ label: 'Olli Oja' });
    await only(DEMO_RETURN);
    await filters().getByLabel('Assignee').selectOption({ label: 'Anyone' });
    await filters().getByLabel('Team').selectOption({ label: 'Billing' });
    await only(DEMO_RETURN);
    await filters().getByLabel('Team').selectOption({ label: 'Any team' });
    await filters().getByLabel('Site').selectOption({ label: 'Outlet shop' });
    await only(OUTLET_RETURN);
    assert.match(new URL(page.url()).hash, /[?&]site=\d+/, 'the filter is in the address');
    await page.reload();
    await only(OUTLET_RETURN);
    await filters().getByRole('button', { name: 'Clear filters' }).click();
    await eventually(async () => (await results().getByRole('listitem').count()) === 2, { what: 'both returns again' });
  });

  step('a visitor’s markup in a result is shown as text', async () => {
    await search('paketti');
    const row = result('Paketti');
    await row.waitFor();
    assert.equal(await results().locator('img').count(), 0, 'no img element made from the text');
    assert.equal(await page.evaluate(() => window.injected), undefined);
    assert.equal(await row.locator('.snippet').textContent(), MARKUP_MESSAGE);
  });

  step('loads more results', async () => {
    await search('lasku');
    await eventually(async () => (await results().getByRole('listitem').count()) === 25, { what: 'the first page' });
    assert.equal(await searchStatus().textContent(), 'Conversations found: 25+');
    await page.getByRole('button', { name: 'Load more', exact: true }).click();
    await eventually(async () => (await results().getByRole('listitem').count()) === INVOICES, { what: 'all results' });
    assert.equal(await page.getByRole('button', { name: 'Load more', exact: true }).count(), 0);
    assert.equal(await searchStatus().textContent(), `Conversations found: ${INVOICES}`);
  });

  step('opens a closed result in the inbox with its messages', async () => {
    await search('ORD-1234');
    await result('Maija Meikäläinen').getByRole('button').click();
    await eventually(async () => new URL(page.url()).hash === '#/inbox', { what: 'the inbox' });
    await messageLog().getByText(MAIJA_MESSAGE, { exact: true }).waitFor();
    const conversation = page.getByRole('region', { name: 'Maija Meikäläinen' });
    await conversation.getByText('This conversation is closed. Reopen it to reply.').waitFor();
  });

  step("the visitor panel's name opens the contact's page", async () => {
    const panel = page.getByRole('complementary', { name: 'Visitor' });
    await panel.getByRole('link', { name: 'Maija Meikäläinen' }).click();
    await eventually(async () => new URL(page.url()).hash === `#/contacts/${maija.contact.id}`, { what: 'the contact page' });
    await page.getByRole('heading', { level: 1, name: 'Maija Meikäläinen' }).waitFor();
  });

  step('the Contacts page lists and filters contacts', async () => {
    await mainNav().getByRole('link', { name: 'Contacts', exact: true }).click();
    await contactsList().getByRole('link', { name: /Maija Meikäläinen/ }).waitFor();
    assert.ok((await contactsList().getByRole('listitem').count()) > 1);
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('maija');
    await eventually(async () => (await contactsList().getByRole('listitem').count()) === 1, { what: 'the filtered list' });
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('nobody-has-this-word');
    await page.getByText('No contacts match “nobody-has-this-word”.').waitFor();
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('maija');
    await contactsList().getByRole('link', { name: /Maija Meikäläinen/ }).click();
  });

  step("a contact's page shows the conversations and pages viewed", async () => {
    await page.getByRole('heading', { level: 1, name: 'Maija Meikäläinen' }).waitFor();
    const conversations = page.getByRole('region', { name: 'Conversations' });
    const row = conversations.getByRole('button').filter({ hasText: MAIJA_MESSAGE });
    await row.waitFor();
    assert.match(await row.textContent(), /Closed/);
    assert.equal(await conversations.getByRole('button').count(), 1);
    const pages = page.getByRole('region', { name: 'Pages visited' });
    const link = pages.getByRole('link', { name: 'Blue teapot' });
    assert.equal(await link.getAttribute('href'), `${server.origin}/demo/products/teapot`);
    await pages.getByText(`${server.origin}/demo/products/teapot`, { exact: true }).waitFor();
  });

  step('edits the e-mail', async () => {
    await page.getByRole('button', { name: 'Edit contact' }).click();
    await editForm().getByLabel('Email').fill('maija@other.example');
    await editForm().getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    assert.equal(await editForm().count(), 0);
    assert.equal(await storedEmail(), 'maija@other.example');
    await page.getByRole('main').getByRole('link', { name: 'maija@other.example' }).waitFor();
  });

  step('a bad e-mail shows the server’s reason and changes nothing', async () => {
    await page.getByRole('button', { name: 'Edit contact' }).click();
    await editForm().getByLabel('Email').fill('not an address');
    await editForm().getByRole('button', { name: 'Save' }).click();
    await editForm().getByRole('alert').getByText('email is not a valid address').waitFor();
    assert.equal(await storedEmail(), 'maija@other.example');
    await editForm().getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('main').getByRole('link', { name: 'maija@other.example' }).waitFor();
  });

  step('opens a long conversation at an old match: in view and marked, the newest not loaded', async () => {
    await search('espresso leaking');
    const row = result('Pekka Virtanen');
    await row.waitFor();
    assert.deepEqual(await row.locator('mark').allTextContents(), ['espresso', 'leaks']);
    await row.getByRole('button').click();
    await eventually(async () => new URL(page.url()).hash === '#/inbox', { what: 'the inbox' });
    const found = messageLog().locator('.message').filter({ has: page.getByText(OLD_MATCH, { exact: true }) });
    await found.waitFor();
    assert.deepEqual(await found.locator('mark').allTextContents(), ['espresso', 'leaks']);
    assert.equal(await found.getByText('Search match', { exact: true }).count(), 1);
    assert.match(await found.getAttribute('class'), /\bis-found\b/);
    await eventually(() => found.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const log = element.closest('[role="log"]').getBoundingClientRect();
      return box.top >= log.top && box.bottom <= log.bottom && box.bottom <= window.innerHeight;
    }), { what: 'the match scrolled into view' });
    assert.equal(await messageLog().getByText(longMessage(LONG), { exact: true }).count(), 0);
    assert.equal(await messageLog().getByRole('button', { name: 'Load earlier' }).count(), 0);
    assert.equal(await messageLog().getByText(longMessage(1), { exact: true }).count(), 1);
  });

  step('loads later messages up to the newest, each once, with one that came meanwhile', async () => {
    const seqs = () => messageLog().locator('[data-seq]').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
    const later = () => messageLog().getByRole('button', { name: 'Load later', exact: true });
    const meanwhile = 'Still waiting for an answer';
    await pekka.sendMessage(meanwhile);
    // The console has it (the inbox row's preview), but not after the older window (a gap):
    // it waits for Load later.
    await page.getByText(meanwhile, { exact: true }).first().waitFor();
    assert.equal(await messageLog().getByText(meanwhile, { exact: true }).count(), 0);
    for (let clicks = 0; (await later().count()) > 0; clicks++) {
      assert.ok(clicks < 5, 'Load later should reach the newest in a few pages');
      const shown = (await seqs()).length;
      await later().click();
      await eventually(async () => (await seqs()).length > shown, { what: 'a later page' });
    }
    assert.deepEqual(await seqs(), Array.from({ length: LONG + 1 }, (_, i) => i + 1));
    await messageLog().getByText(meanwhile, { exact: true }).waitFor();
    // Joined the newest: live messages come in again.
    await pekka.sendMessage('Hello?');
    await messageLog().getByText('Hello?', { exact: true }).waitFor();
    assert.deepEqual(await seqs(), Array.from({ length: LONG + 2 }, (_, i) => i + 1));
    assert.deepEqual(pageErrors, []);
  });
});
