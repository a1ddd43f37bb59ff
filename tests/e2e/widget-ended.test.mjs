// The widget after an agent closes the conversation: the visitor sees that the chat ended,
// in their language, and starts a new one with "Start a new chat"; the next message starts
// a new conversation. Used the way a visitor uses it, in a real browser.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { dialog, log, messageBox, bubble, openChat, sendFromWidget as send, receivedBy, shopPage } from './lib/widget.mjs';

/** Writes and sends in the widget, whose message box has this name. */
async function sendFromWidget(page, body, boxName = 'Message') {
  if (boxName === 'Message') return send(page, body);
  const box = dialog(page).getByRole('textbox', { name: boxName });
  await box.fill(body);
  await box.press('Enter');
}

const WAIT = 8000;

let server;
let ctx;
let browser;
let anna;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  anna = await onlineAgent(server, ctx.token, { name: 'Anna Virtanen', capacity: 20, label: 'anna' });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

const visitorPage = (locale, lang) => shopPage(browser, server, ctx.siteKey, { locale, lang, timeoutMs: WAIT });

const close = async (id) =>
  expectStatus(await api(server.url, ctx.token, 'POST', `/conversations/${id}/close`), 200);

describe('widget: a closed conversation', () => {
  it('shows that the chat ended and starts a new conversation after "Start a new chat"', async () => {
    const { context, page } = await visitorPage('en-US');
    await openChat(page);
    await sendFromWidget(page, 'first chat');
    const first = await receivedBy(anna.socket, 'first chat', WAIT);
    await close(first.conversation_id);

    await log(page).getByText('The chat has ended.').waitFor();
    assert.equal(await messageBox(page).isVisible(), false, 'no composer until a new chat starts');
    await dialog(page).getByRole('button', { name: 'Start a new chat' }).click();
    await messageBox(page).waitFor();
    assert.equal(await log(page).getByText('The chat has ended.').isVisible(), false);

    await sendFromWidget(page, 'second chat');
    const second = await receivedBy(anna.socket, 'second chat', WAIT);
    assert.notEqual(second.conversation_id, first.conversation_id, 'a new conversation');
    await bubble(page, 'second chat').waitFor();
    await context.close();
  });

  it('says it in the visitor\'s language (a Finnish page)', async () => {
    const { context, page } = await visitorPage('en-US', 'fi');
    await page.getByRole('button', { name: 'Avaa chat' }).click();
    await sendFromWidget(page, 'hei', 'Viesti');
    const message = await receivedBy(anna.socket, 'hei', WAIT);
    await close(message.conversation_id);
    await log(page).getByText('Chat on päättynyt.').waitFor();
    await dialog(page).getByRole('button', { name: 'Aloita uusi chat' }).waitFor();
    await context.close();
  });
});
