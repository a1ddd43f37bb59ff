// A site's texts per language and saved replies per language, in the console in a real
// browser: the admin gives the Demo shop a Swedish and a Finnish greeting and an offline
// message, saves a /shipping reply for any language and one in Finnish, and the reply box
// offers each visitor the version in their page's (else their browser's) language first.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus, visitor, eventually, ADMIN_EMAIL, ADMIN_PASSWORD } from '../integration/lib/harness.mjs';
import { launchBrowser, screenshot, storySteps } from './lib/browser.mjs';

const WAIT = 5000;
const SWEDISH_GREETING = 'Hej! Hur kan vi hjälpa dig?';
const SWEDISH_OFFLINE = 'Lämna ett meddelande så svarar vi per e-post.';
const FINNISH_GREETING = 'Hei! Miten voimme auttaa?';
const OFFLINE_MESSAGE = 'Leave us a message and we will answer by email.';
const ANY_BODY = 'We ship within 1–2 working days.';
const FINNISH_BODY = 'Toimitamme 1–2 arkipäivässä.';

let server;
let ctx;
let browser;
let page;
const pageErrors = [];
const visitors = [];

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  // Chats wait under Unassigned, to be opened by hand.
  expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'manual' }), 200);
  browser = await launchBrowser();
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(WAIT);
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  for (const client of visitors) client.close();
  if (browser) await browser.close();
  await server?.stop();
});

const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const button = (name, within = page) => within.getByRole('button', { name, exact: true });
const textbox = (name, within = page) => within.getByRole('textbox', { name, exact: true });
const translation = (n) => page.getByRole('group', { name: `Translation ${n}`, exact: true });
const languageField = (n) => translation(n).getByRole('combobox', { name: 'Language', exact: true });
const alert = () => page.getByRole('alert');
const messageBox = () => textbox('Message');
const suggestions = () => page.getByRole('listbox', { name: 'Saved replies' });
const siteOnServer = async () => expectStatus(await api(server, ctx.token, 'GET', `/sites/${ctx.site.id}`), 200);

/** Saves the site form and waits for the alert that refuses it. */
async function saveRefused(expected) {
  await button('Save').click();
  await alert().getByText(expected).waitFor();
}

/** A visitor on the Demo shop whose widget tells the page's and the browser's language. */
async function chattingVisitor(label, context, firstMessage) {
  const client = await visitor(server, ctx.siteKey, { context, label });
  visitors.push(client);
  await client.sendMessage(firstMessage);
  return client;
}

/** Opens the visitor's conversation from the inbox and waits until their languages are known. */
async function openConversation(firstMessage, languageShown) {
  await nav('Inbox').click();
  const row = page.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: firstMessage });
  await row.getByRole('button').click();
  await page.getByRole('log', { name: 'Messages' }).getByText(firstMessage, { exact: true }).waitFor();
  await page.getByRole('complementary', { name: 'Visitor' }).getByText(languageShown).first().waitFor();
}

/** Types "/shipping": resolves the offered replies' texts, best first. */
async function offeredForShipping() {
  await messageBox().fill('/shipping');
  const options = suggestions().getByRole('option');
  await eventually(async () => (await options.count()) === 2, { what: 'both /shipping replies offered' });
  return options.allTextContents();
}

const step = storySteps();

describe('console: texts and saved replies per language', () => {
  step('logs in as the admin', async () => {
    await page.goto(`${server.url}/console/`);
    await textbox('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await button('Log in').click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  step('Sites: refuses a missing, a malformed and a repeated language before asking the server', async () => {
    await nav('Sites').click();
    await eventually(async () => (await textbox('Name').inputValue()) === 'Demo shop', { what: 'the Demo shop in the form' });
    await textbox('Offline message').fill(OFFLINE_MESSAGE);
    await button('Add language').click();
    await saveRefused('Each language needs a language code, such as sv or fi-FI.');
    await languageField(1).fill('sv_SE');
    await saveRefused('“sv_SE” is not a language code. Write codes such as sv or fi-FI.');
    assert.equal(await languageField(1).getAttribute('aria-invalid'), 'true', 'the bad code is marked');
    await languageField(1).fill('SV');
    await button('Add language').click();
    await languageField(2).fill('sv');
    await saveRefused('sv is listed twice under Languages.');
    assert.equal((await siteOnServer()).offline_message, '', 'nothing was saved');
  });

  step("Sites: shows the server's reason when it refuses the texts", async () => {
    await languageField(2).fill('fi');
    // A control character is not text: the server refuses, naming the translation and field.
    await textbox('Greeting', translation(1)).fill('Hej!\u0001');
    await button('Save').click();
    await alert().getByText(/translations:.*greeting/).waitFor();
    await screenshot(page, 'console-languages-sites-refused');
    assert.deepEqual((await siteOnServer()).translations, [], 'nothing was saved');
  });

  step('Sites: saves a Swedish and a Finnish translation and the offline message', async () => {
    await textbox('Greeting', translation(1)).fill(SWEDISH_GREETING);
    await textbox('Offline message', translation(1)).fill(SWEDISH_OFFLINE);
    await textbox('Greeting', translation(2)).fill(FINNISH_GREETING);
    await button('Save').click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    assert.equal(await alert().count(), 0);

    const site = await siteOnServer();
    assert.equal(site.offline_message, OFFLINE_MESSAGE);
    assert.deepEqual(site.translations, [
      { language: 'sv', greeting: SWEDISH_GREETING, offline_message: SWEDISH_OFFLINE },
      { language: 'fi', greeting: FINNISH_GREETING, offline_message: '' },
    ], 'the code in its usual case, an empty text left to the default');
    assert.equal(await languageField(1).inputValue(), 'sv', 'the form shows what was saved');
    // The console scrolls inside its page: a viewport tall enough shows the whole form.
    await page.setViewportSize({ width: 1280, height: 2000 });
    await screenshot(page, 'console-languages-sites');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step('Sites: the saved texts are there after a reload; a Swedish page gets its greeting', async () => {
    await page.reload();
    await nav('Sites').click();
    await eventually(async () => (await languageField(2).inputValue().catch(() => '')) === 'fi', { what: 'the translations loaded' });
    assert.equal(await textbox('Greeting', translation(1)).inputValue(), SWEDISH_GREETING);
    assert.equal(await textbox('Offline message').first().inputValue(), OFFLINE_MESSAGE);

    const swede = await visitor(server, ctx.siteKey, { context: { page_language: 'sv-FI', language: 'fi-FI' }, label: 'swede' });
    assert.equal(swede.welcome.site.greeting, SWEDISH_GREETING);
    swede.close();
  });

  step('Saved replies: /shipping for any language and /shipping in Suomi', async () => {
    await nav('Saved replies').click();
    await page.getByText('No saved replies yet.').waitFor();
    const language = page.getByLabel('Language', { exact: true });
    assert.equal(await language.inputValue(), '', 'a new reply is for any language');
    const rows = page.getByRole('row').filter({ hasText: '/shipping' });
    const add = async (title, body, choice, count) => {
      await textbox('Shortcut').fill('shipping');
      await textbox('Title').fill(title);
      await textbox('Reply').fill(body);
      await language.selectOption({ label: choice });
      await button('Add saved reply').click();
      await eventually(async () => (await rows.count()) === count, { what: `${count} /shipping rows` });
    };
    await add('Shipping times', ANY_BODY, 'Any language', 1);
    await add('Toimitusajat', FINNISH_BODY, 'Suomi', 2);
    await rows.filter({ hasText: 'Toimitusajat' }).getByRole('cell', { name: 'Suomi', exact: true }).waitFor();
    await rows.filter({ hasText: 'Shipping times' }).getByRole('cell', { name: 'Any language', exact: true }).waitFor();
    await button('Edit /shipping (Suomi)').waitFor();
    await button('Edit /shipping').waitFor();

    const { items } = expectStatus(await api(server, ctx.token, 'GET', '/canned-responses'), 200);
    assert.deepEqual(items.map((c) => [c.shortcut, c.language, c.body]).sort(),
      [['shipping', '', ANY_BODY], ['shipping', 'fi', FINNISH_BODY]]);

    // The same shortcut twice in one language: the server's reason, and nothing saved.
    await textbox('Shortcut').fill('shipping');
    await textbox('Reply').fill('Another one');
    await language.selectOption({ label: 'Suomi' });
    await button('Add saved reply').click();
    await alert().getByText(/already in use in this language/).waitFor();
    await textbox('Shortcut').fill('');
    await textbox('Reply').fill('');
    assert.equal(expectStatus(await api(server, ctx.token, 'GET', '/canned-responses'), 200).items.length, 2);
  });

  step("the reply box offers a visitor on a Finnish page the Finnish reply first", async () => {
    const question = 'Milloin tilaukseni saapuu?';
    await chattingVisitor('aino', { page_language: 'fi', language: 'en-US' }, question);
    await openConversation(question, 'Finnish');
    const offered = await offeredForShipping();
    assert.match(offered[0], /\/shipping\s*fi\s*Toimitusajat/, 'the Finnish one first, with its language');
    assert.match(offered[1], /\/shipping\s*any\s*Shipping times/);
    assert.equal(await suggestions().getByRole('option').first().getAttribute('aria-selected'), 'true');
    await screenshot(page, 'console-languages-composer');
    await messageBox().press('Enter');
    assert.equal(await messageBox().inputValue(), FINNISH_BODY);
    await messageBox().fill('');
  });

  step('an English visitor gets the reply for any language', async () => {
    const question = 'When will my order arrive?';
    await chattingVisitor('emma', { page_language: 'en', language: 'en-US' }, question);
    await openConversation(question, 'English');
    const offered = await offeredForShipping();
    assert.match(offered[0], /Shipping times/);
    await messageBox().press('Enter');
    assert.equal(await messageBox().inputValue(), ANY_BODY);
    await messageBox().fill('');
  });

  step("without the page's language, the browser's counts, by its primary subtag", async () => {
    const question = 'Onko tätä varastossa?';
    await chattingVisitor('eero', { language: 'fi-FI' }, question);
    await openConversation(question, 'Finnish (Finland)');
    const offered = await offeredForShipping();
    assert.match(offered[0], /Toimitusajat/);
    await messageBox().press('Tab');
    assert.equal(await messageBox().inputValue(), FINNISH_BODY);
    await messageBox().fill('');
  }, { independent: true });

  step('no errors on the page', async () => {
    assert.deepEqual(pageErrors, []);
  }, { independent: true });
});
