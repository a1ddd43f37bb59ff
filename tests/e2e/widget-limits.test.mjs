// The widget at a rate limit: a visitor who types faster than the site's message limit
// sees the extra message wait ("Sending…") and go out by itself once the limit allows,
// never "Not sent", and every message arrives once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser, screenshot } from './lib/browser.mjs';
import { messageItem, openChat, sendFromWidget } from './lib/widget.mjs';

let server;
let ctx;
let browser;

before(async () => {
  // Two messages at once, then one every two seconds.
  server = await startServer({ env: { JUTTU_LIMIT_MESSAGES_PER_CONTACT: '2/4' } });
  ctx = await demo(server);
  await onlineAgent(server, ctx.token, { name: 'Anna Virtanen', label: 'anna' });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

describe('widget at a rate limit', () => {
  it('a message past the limit waits and is sent by itself', async () => {
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${server.url}/demo/?site=${ctx.siteKey}`);
    await openChat(page);
    const bodies = ['First question', 'Second question', 'Third, typed too fast'];
    for (const body of bodies) await sendFromWidget(page, body);
    const third = messageItem(page, bodies[2]);
    await third.getByText('Sending').waitFor({ timeout: 1500 });
    await screenshot(page, 'widget-rate-limited-sending');
    await third.getByText('Sent').waitFor({ timeout: 8000 });
    assert.equal(await page.getByText('Not sent').count(), 0);

    const conversations = expectStatus(await api(server, ctx.token, 'GET', '/conversations'), 200).items;
    assert.equal(conversations.length, 1);
    const items = expectStatus(await api(server, ctx.token, 'GET',
      `/conversations/${conversations[0].id}/messages?after_seq=0`), 200).items;
    assert.deepEqual(items.map((m) => m.body), bodies);
  });
});
