// First-day fixes in the console, in a real browser: the inbox's first tab and its live counts,
// a missed chat's badge until answered, a site's time zone from the browser, and changing one's
// own password in Settings.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus, visitor, agent, eventually, login, ADMIN_EMAIL, ADMIN_PASSWORD } from '../integration/lib/harness.mjs';
import { launchBrowser, storySteps } from './lib/browser.mjs';

let server;
let ctx;
let browser;
let page;
const NEW_PASSWORD = 'a-brand-new-password-9';

before(async () => {
  server = await startServer({ env: { JUTTU_VISITOR_LEAVE_GRACE: '1' } });
  ctx = await demo(server);
  expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'manual' }), 200);
  browser = await launchBrowser();
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Helsinki', viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(5000);
  page = await context.newPage();
});

after(async () => {
  if (browser) await browser.close();
  await server?.stop();
});

const tab = (name) => page.getByRole('tab', { name, exact: true });
const count = async (name) => (await tab(name).locator('.tab-count').textContent().catch(() => null)) ?? null;
const step = storySteps();

describe('first-day console', () => {
  step('opens on Mine & unassigned, with live counts on the tabs', async () => {
    await page.goto(`${server.url}/console/`);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await tab('Mine & unassigned').waitFor();
    assert.equal(await tab('Mine & unassigned').getAttribute('aria-selected'), 'true');
    await eventually(async () => (await count('All')) === '0', { what: 'counts loaded' });

    const watcher = await agent(server, ctx.token, { label: 'watcher' });
    const leaver = await visitor(server, ctx.siteKey, { label: 'leaver' });
    const { conversation_id: id } = await leaver.sendMessage('anyone there?');
    await eventually(async () => (await count('Mine & unassigned')) === '1' && (await count('Unassigned')) === '1',
      { what: 'counts rise live' });
    const list = page.getByRole('list', { name: 'Conversations' });
    const row = list.getByRole('listitem').filter({ hasText: 'anyone there?' });
    await row.waitFor();

    // Missed: flagged until an agent answers.
    await leaver.close();
    await row.getByText('Missed', { exact: true }).waitFor({ timeout: 8000 });
    await watcher.sendMessage('Sorry, here now!', { conversation_id: id });
    await eventually(async () => (await row.getByText('Missed', { exact: true }).count()) === 0, { what: 'badge gone after the answer' });
    const c = expectStatus(await api(server, ctx.token, 'GET', `/conversations/${id}`), 200).conversation;
    assert.equal(c.missed, true, 'still missed for reports');
    await watcher.close();
  });

  step("a site's time zone is the browser's unless chosen", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('button', { name: 'Demo shop' }).click().catch(() => page.getByText('Demo shop').first().click());
    await eventually(async () => (await page.getByLabel('Time zone').first().inputValue()) === 'Europe/Helsinki',
      { what: 'the first start site shows the browser zone' });
  });

  step('changes my own password in Settings', async () => {
    const other = await login(server);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill('wrong-password-1');
    await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel('Repeat the new password').fill('something-else-1');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('alert').getByText('The new passwords do not match.').waitFor();
    await form.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('alert').getByText('The current password is wrong.').waitFor();
    await form.getByLabel('Current password').fill(ADMIN_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').getByText('Password changed.', { exact: false }).waitFor();
    expectStatus(await api(server, other.token, 'GET', '/me'), 401);
    await login(server, ADMIN_EMAIL, NEW_PASSWORD);
  });
});
