// Verified identity in real browsers (docs/identity.md): the shop's page gives the
// widget its backend's signed token with Juttu.identify({ token }) before widget.js has
// loaded; the customer chats, then a second browser (no shared storage) with the same
// token sees that chat; the console marks the contact Verified in the visitor panel, the
// contacts list and the contact's page, and an admin creates a secret on the Sites page.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  startServer, demo, api, expectStatus, eventually, ADMIN_EMAIL, ADMIN_PASSWORD,
} from '../integration/lib/harness.mjs';
import { launchBrowser, storySteps } from './lib/browser.mjs';
import { bubble, log, openChat, sendFromWidget } from './lib/widget.mjs';

const WAIT = 8000;
const QUESTION = 'Is my order 77 on its way?';
const VERIFIED = 'Verified identity: signed in at the shop';

let server;
let ctx;
let browser;
let consolePage;
let token;
let secret; // the site's identity secret
const contexts = [];

function jwt(claims, secret) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${signed}.${crypto.createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

/**
 * The demo shop in a browser of its own, its page calling identify() with `signed` before
 * widget.js loads (none: an anonymous visitor), and keeping what identity_refused tells
 * it in window.refusals.
 */
async function customerPage(signed = token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  context.setDefaultTimeout(WAIT);
  contexts.push(context);
  const page = await context.newPage();
  await page.addInitScript((given) => {
    // The stub of the README, as a shop's page has it, and the shop's own calls.
    window.Juttu = window.Juttu || { q: [] };
    ['open', 'close', 'identify', 'setAttributes', 'on'].forEach((m) => {
      window.Juttu[m] = window.Juttu[m] || function () { window.Juttu.q.push([m].concat([].slice.call(arguments))); };
    });
    window.refusals = [];
    window.Juttu.on('identity_refused', (refusal) => window.refusals.push(refusal));
    if (given) window.Juttu.identify({ token: given });
  }, signed);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${server.url}/demo/?site=${ctx.siteKey}`);
  return page;
}

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  secret = expectStatus(await api(server, ctx.token, 'POST', `/sites/${ctx.site.id}/identity-secrets`), 201).secret;
  token = jwt({ sub: 'customer-7', name: 'Kaisa Kuluttaja', exp: Math.floor(Date.now() / 1000) + 600 }, secret);
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(WAIT);
  contexts.push(context);
  consolePage = await context.newPage();
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  if (browser) await browser.close();
});

const step = storySteps();

describe('widget: a verified customer', () => {
  step('the admin is online in the console', async () => {
    await consolePage.goto(`${server.url}/console/`);
    await consolePage.getByRole('textbox', { name: 'Email', exact: true }).fill(ADMIN_EMAIL);
    await consolePage.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await consolePage.getByRole('button', { name: 'Log in', exact: true }).click();
    await consolePage.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  step('chats from the shop page as the signed-in customer', async () => {
    const page = await customerPage();
    await openChat(page);
    await sendFromWidget(page, QUESTION);
    await eventually(async () => {
      const items = expectStatus(await api(server, ctx.token, 'GET', '/contacts?q=Kaisa'), 200).items;
      return items.length === 1 && items[0].verified === true && items[0].external_id === 'customer-7';
    }, { what: 'the verified contact, named by the token' });
    await log(page).locator('.msg', { has: page.getByText(QUESTION, { exact: true }) }).waitFor();
  });

  step('a second browser with the same token sees the chat', async () => {
    const page = await customerPage();
    await openChat(page);
    await bubble(page, QUESTION).waitFor();
    const contacts = expectStatus(await api(server, ctx.token, 'GET', '/contacts?q=Kaisa'), 200).items;
    assert.equal(contacts.length, 1, 'one contact on both devices');
  });

  step('the console marks the contact Verified in the visitor panel', async () => {
    const row = consolePage.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: QUESTION });
    await row.getByRole('button').click();
    const panel = consolePage.getByRole('complementary', { name: 'Visitor' });
    await panel.getByRole('img', { name: VERIFIED }).waitFor();
  });

  step('and in the contacts list and on the contact\'s page', async () => {
    await consolePage.goto(`${server.url}/console/#/contacts`);
    const list = consolePage.getByRole('list', { name: 'Contacts' });
    const kaisa = list.getByRole('link', { name: /Kaisa Kuluttaja/ });
    await kaisa.getByRole('img', { name: VERIFIED }).waitFor();
    await kaisa.click();
    await consolePage.getByRole('heading', { level: 1, name: 'Kaisa Kuluttaja' }).waitFor();
    await consolePage.getByRole('main').getByRole('img', { name: VERIFIED }).first().waitFor();
    await consolePage.getByRole('main').getByText('Shop user id: customer-7').waitFor();
  });

  step('an expired token is refused, the page is told, and a fresh one chats again', async () => {
    const expired = jwt({ sub: 'customer-7', exp: Math.floor(Date.now() / 1000) - 3600 }, secret);
    const page = await customerPage(expired);
    await page.waitForFunction(() => window.refusals.length > 0, null, { timeout: WAIT });
    const [refusal] = await page.evaluate(() => window.refusals);
    assert.equal(refusal.code, 'bad_identity');
    assert.match(refusal.message, /expired/);
    // The page signs again, as a shop's page does when told: the customer's chat is back.
    await page.evaluate((signed) => window.Juttu.identify({ token: signed }), token);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('log').getByText(QUESTION).waitFor();
  });

  step('a site that requires an identity asks an anonymous visitor to sign in', async () => {
    expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { require_verified_identity: true }), 200);
    try {
      const page = await customerPage(null);
      await page.getByRole('button', { name: 'Open chat' }).click();
      await page.getByRole('dialog').getByRole('status').getByText('Sign in to the shop to chat with us.').waitFor();
      assert.deepEqual((await page.evaluate(() => window.refusals)).map((r) => r.code), ['identity_required']);
    } finally {
      expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { require_verified_identity: false }), 200);
    }
  });

  step('an admin creates a second secret on the Sites page', async () => {
    await consolePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    await consolePage.getByRole('navigation', { name: 'Sites' }).getByRole('button', { name: /Demo shop/ }).click();
    const card = consolePage.getByRole('region', { name: 'Identity verification' });
    await card.getByText('Secret 1', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Create a secret' }).click();
    await card.getByRole('textbox', { name: 'Secret 2' }).waitFor();
    const listed = expectStatus(await api(server, ctx.token, 'GET', `/sites/${ctx.site.id}/identity-secrets`), 200).items;
    assert.equal(await card.getByRole('textbox', { name: 'Secret 2' }).inputValue(), listed[1].secret);
    assert.equal(await card.getByRole('button', { name: 'Create a secret' }).isDisabled(), true);
  });
});
