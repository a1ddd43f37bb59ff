// Workspaces in the console, in a real browser: the admin creates a second workspace in
// Settings, switches to it (an empty inbox, no sites, the top bar names it), creates a site
// there, and switches back with the top bar's switcher to the Demo workspace's chats. The
// next login goes to the workspace last worked in; an agent who is not an admin sees no form.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, demo, api, expectStatus, visitor, createAgent, eventually, ADMIN_EMAIL, ADMIN_PASSWORD,
} from '../integration/lib/harness.mjs';
import { launchBrowser, screenshot, storySteps } from './lib/browser.mjs';

const WAIT = 5000;
const DEMO_QUESTION = 'Is the teapot dishwasher safe?';

let server;
let ctx;
let browser;
let context;
let page;
let demoVisitor;
const pageErrors = [];

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'manual' }), 200);
  demoVisitor = await visitor(server, ctx.siteKey, { label: 'demo-visitor' });
  await demoVisitor.sendMessage(DEMO_QUESTION);
  browser = await launchBrowser();
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(WAIT);
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  demoVisitor?.close();
  if (browser) await browser.close();
  await server?.stop();
});

const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const button = (name, within = page) => within.getByRole('button', { name, exact: true });
const workspacesCard = () => page.getByRole('region', { name: 'Workspaces' });
const switcher = () => page.getByRole('combobox', { name: 'Workspace', exact: true });
const conversationRow = (text) => page.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: text });

async function logIn(email, password) {
  await page.goto(`${server.url}/console/`);
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await button('Log in').click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

async function myWorkspaces(token) {
  return expectStatus(await api(server, token, 'GET', '/me/workspaces'), 200).items.map((w) => w.name);
}

const step = storySteps();

describe('console: workspaces', () => {
  step('logs in to Demo and sees its chat; one workspace, no switcher', async () => {
    await logIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('tab', { name: /^Mine & unassigned/ }).waitFor();
    await conversationRow(DEMO_QUESTION).waitFor();
    await page.locator('.workspace-name').getByText('Demo', { exact: true }).waitFor();
    assert.equal(await switcher().count(), 0);
  });

  step('Settings: an empty name is refused without asking the server', async () => {
    await nav('Settings').click();
    await workspacesCard().getByText('Demo', { exact: true }).waitFor();
    await button('Create workspace').click();
    await workspacesCard().getByRole('alert').getByText('Give the workspace a name.').waitFor();
    assert.deepEqual(await myWorkspaces(ctx.token), ['Demo']);
  });

  step("Settings: a taken name is refused with the server's reason", async () => {
    await page.getByLabel('Workspace name', { exact: true }).fill('Demo');
    await button('Create workspace').click();
    await workspacesCard().getByRole('alert').getByText(/exists/).waitFor();
  });

  step('Settings: creates the workspace "Teapot outlet"', async () => {
    await page.getByLabel('Workspace name', { exact: true }).fill('Teapot outlet');
    await button('Create workspace').click();
    await workspacesCard().getByRole('status').getByText('Workspace “Teapot outlet” created.').waitFor();
    assert.deepEqual(await myWorkspaces(ctx.token), ['Demo', 'Teapot outlet']);
    // Listed at once, and the top bar now offers a switch.
    await workspacesCard().getByRole('listitem').filter({ hasText: 'Teapot outlet' }).waitFor();
    await switcher().waitFor();
    await screenshot(page, 'console-workspaces-created');
  });

  step('switches to it: the inbox is empty, Sites has none, the top bar names it', async () => {
    await workspacesCard().getByRole('status').getByRole('button', { name: 'Switch to Teapot outlet' }).click();
    await page.waitForURL(/#\/inbox$/);
    await eventually(async () => (await switcher().inputValue()) !== '' &&
      (await switcher().locator('option:checked').textContent()) === 'Teapot outlet', { what: 'the switcher showing the outlet' });
    await page.getByText('No conversations', { exact: false }).first().waitFor();
    assert.equal(await conversationRow(DEMO_QUESTION).count(), 0, "Demo's chat is not here");
    await nav('Sites').click();
    await page.getByText('No sites yet', { exact: false }).first().waitFor();
    await screenshot(page, 'console-workspaces-outlet');
  });

  step('creates a site in the new workspace', async () => {
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Outlet shop');
    await page.getByRole('textbox', { name: 'Origin 1', exact: true }).fill('https://outlet.example');
    await button('Create site').click();
    await page.getByRole('navigation', { name: 'Sites' }).getByRole('button', { name: /Outlet shop/ }).waitFor();
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('juttu.console.token')));
    const sites = expectStatus(await api(server, token, 'GET', '/sites'), 200).items;
    assert.deepEqual(sites.map((s) => s.name), ['Outlet shop'], 'the site is in the outlet, alone');
    const demoSites = expectStatus(await api(server, ctx.token, 'GET', '/sites'), 200).items;
    assert.ok(!demoSites.some((s) => s.name === 'Outlet shop'), 'Demo did not get it');
  });

  step('adds a Demo colleague to the new workspace without a password: they keep their own', async () => {
    const aino = await createAgent(server.url, ctx.token, { role: 'agent', name: 'Aino', email: 'aino@example.com' });
    await nav('Agents').click();
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill('nobody-yet@example.com');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Nobody');
    await button('Add agent').click();
    await page.getByRole('alert').getByText('password is required for a new agent', { exact: false }).waitFor();
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill('aino@example.com');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Aino (outlet)');
    await button('Add agent').click();
    await page.getByRole('row').filter({ hasText: 'aino@example.com' }).waitFor();
    const places = expectStatus(await api(server, aino.token, 'GET', '/me/workspaces'), 200).items.map((w) => w.name);
    assert.deepEqual(places, ['Demo', 'Teapot outlet']);
  });

  step("switches back with the top bar's switcher: Demo's chat again", async () => {
    await switcher().selectOption({ label: 'Demo' });
    await page.waitForURL(/#\/inbox$/);
    await conversationRow(DEMO_QUESTION).waitFor();
    assert.equal(await switcher().locator('option:checked').textContent(), 'Demo');
  });

  step('the next login goes to the workspace last worked in', async () => {
    await switcher().selectOption({ label: 'Teapot outlet' });
    await page.getByText('No conversations', { exact: false }).first().waitFor();
    await button('Log out').click();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await logIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    await eventually(async () => (await switcher().locator('option:checked').textContent()) === 'Teapot outlet',
      { what: 'a login to the outlet' });
  });

  step('an agent who is not an admin sees their workspace but no form to create one', async () => {
    const member = await createAgent(server.url, ctx.token, { role: 'agent', name: 'Olli' });
    await button('Log out').click();
    await logIn(member.email, member.password);
    await nav('Settings').click();
    await workspacesCard().getByText('Demo', { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Workspace name', { exact: true }).count(), 0);
    assert.equal(await switcher().count(), 0);
  });

  step('had no script errors', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
