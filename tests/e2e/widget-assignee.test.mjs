// The widget's header names the agent who has the chat now, live: after routing, an
// assignment to another agent, and a transfer to a team with nobody online (then no
// agent's name at all, not the previous one's). Also after a reload (the welcome).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { dialog, openChat, sendFromWidget, receivedBy } from './lib/widget.mjs';

const WAIT = 8000;

let server;
let ctx;
let browser;
let anna;
let bert;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  anna = await onlineAgent(server, ctx.token, { name: 'Anna Virtanen', capacity: 20, label: 'anna' });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

const header = (page) => dialog(page).locator('.header');
const post = async (path, body) => expectStatus(await api(server.url, ctx.token, 'POST', path, body), path.endsWith('/teams') ? 201 : 200);

describe('widget: the header follows the assignee', () => {
  it('shows the routed agent, then the one it was assigned to, then nobody after a transfer to a team', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    await page.goto(`${server.url}/demo/?site=${ctx.siteKey}`);
    await openChat(page);
    await sendFromWidget(page, 'who helps me?');
    const message = await receivedBy(anna.socket, 'who helps me?', WAIT);
    const id = message.conversation_id;
    await header(page).getByText('Anna Virtanen', { exact: true }).waitFor();
    assert.equal(await header(page).locator('.avatar').textContent(), 'AV');

    bert = await onlineAgent(server, ctx.token, { name: 'Bert Berg', capacity: 20, label: 'bert' });
    await post(`/conversations/${id}/assign`, { agent_id: bert.agent.id });
    await header(page).getByText('Bert Berg', { exact: true }).waitFor();
    assert.equal(await header(page).getByText('Anna Virtanen').count(), 0);
    assert.equal(await header(page).locator('.avatar').textContent(), 'BB');

    await page.reload();
    await openChat(page);
    await header(page).getByText('Bert Berg', { exact: true }).waitFor();

    const team = await post('/teams', { name: 'Returns', agent_ids: [] });
    await post(`/conversations/${id}/transfer`, { team_id: team.id });
    await header(page).getByText('Bert Berg').waitFor({ state: 'hidden' });
    assert.equal(await header(page).locator('.avatar').textContent(), 'DS', 'the site\'s initials');
    assert.equal(await header(page).getByText('Bert Berg').isVisible(), false);
    await context.close();
  });
});
