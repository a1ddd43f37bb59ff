// The widget speaks the page's language, and so do the shop's own texts: a Swedish page
// gets the site's Swedish greeting and, when nobody can chat, its Swedish offline
// message; a page in a language the site has no texts for gets the site's own.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { dialog, log, shopPage } from './lib/widget.mjs';

const WAIT = 8000;

let server;
let ctx;
let browser;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  expectStatus(await api(server.url, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, {
    greeting: 'Hi! How can we help?',
    offline_message: 'We are closed for the holidays.',
    translations: [{ language: 'sv', greeting: 'Hej! Hur kan vi hjälpa dig?', offline_message: 'Vi har julledigt.' }],
  }), 200);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

const visit = (lang) => shopPage(browser, server, ctx.siteKey, { lang, timeoutMs: WAIT });

describe('widget: the site\'s texts in the page\'s language', () => {
  it('nobody online: the offline form says the site\'s offline message in Swedish', async () => {
    const { context, page } = await visit('sv');
    await page.getByRole('button', { name: 'Öppna chatt' }).click();
    await dialog(page).getByText('Vi har julledigt.').waitFor();
    assert.equal(await dialog(page).getByText('We are closed for the holidays.').count(), 0);
    await context.close();
  });

  it('an agent online: a Swedish page is greeted in Swedish, a German one with the site\'s own', async () => {
    const anna = await onlineAgent(server, ctx.token, { name: 'Anna' });
    const swedish = await visit('sv-FI');
    await swedish.page.getByRole('button', { name: 'Öppna chatt' }).click();
    await log(swedish.page).getByText('Hej! Hur kan vi hjälpa dig?').waitFor();
    await swedish.context.close();

    const german = await visit('de');
    await german.page.getByRole('button', { name: 'Open chat' }).click();
    await log(german.page).getByText('Hi! How can we help?').waitFor();
    assert.equal(await log(german.page).getByText('Hej! Hur kan vi hjälpa dig?').count(), 0);
    await german.context.close();
    await anna.socket.close();
  });
});
