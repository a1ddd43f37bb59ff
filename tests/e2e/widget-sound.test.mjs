// The widget's chime for a new agent message: it sounds when the visitor is not looking
// (the chat closed, or the page hidden), not while they read the chat, not before they
// touched the page (browsers forbid it), and never after they turned "Sound" off, which
// the widget remembers. The Web Audio API is replaced by a recorder of the notes played.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo } from '../integration/lib/harness.mjs';
import { onlineAgent } from './lib/agent.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { dialog, launcher, bubble, openChat, sendFromWidget, receivedBy } from './lib/widget.mjs';

const WAIT = 8000;
let server;
let ctx;
let browser;
let anna;

before(async () => {
  server = await startServer();
  ctx = await demo(server);
  anna = await onlineAgent(server, ctx.token, { name: 'Anna', capacity: 20, label: 'anna' });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

/** An AudioContext that counts the notes started, suspended until resumed (by a gesture). */
function recordNotes() {
  window.__notes = 0;
  window.AudioContext = class {
    constructor() {
      this.state = 'suspended';
      this.currentTime = 0;
      this.destination = {};
    }
    resume() {
      this.state = 'running';
      return Promise.resolve();
    }
    createOscillator() {
      return { frequency: {}, connect: (next) => next, start: () => window.__notes++, stop() {} };
    }
    createGain() {
      return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (next) => next };
    }
  };
}

/** A message in the closed chat's log (hidden, so not by role). */
const arrived = (page, body) => page.getByText(body, { exact: true }).waitFor({ state: 'attached' });
const notes = (page) => page.evaluate(() => window.__notes);
const soundToggle = (page) => dialog(page).getByRole('button', { name: 'Sound' });

describe('widget: sound', () => {
  it('chimes for an agent message the visitor is not looking at, until they turn it off', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    context.setDefaultTimeout(WAIT);
    await context.addInitScript(recordNotes);
    const page = await context.newPage();
    await page.goto(`${server.url}/demo/?site=${ctx.siteKey}`);

    await openChat(page);
    await sendFromWidget(page, 'is my parcel on its way?');
    const { conversation_id } = await receivedBy(anna.socket, 'is my parcel on its way?', WAIT);
    const reply = (body) => anna.socket.sendMessage(body, { conversation_id });

    // Reading the chat: no sound.
    await reply('let me check');
    await bubble(page, 'let me check').waitFor();
    assert.equal(await notes(page), 0, 'a chime while the visitor reads the chat');

    // The chat closed: a chime of two notes.
    await dialog(page).getByRole('button', { name: 'Close chat' }).click();
    await reply('it left the warehouse');
    await page.waitForFunction(() => window.__notes === 2);

    // Turned off: silence, also after a reload.
    await launcher(page).click();
    assert.equal(await soundToggle(page).getAttribute('aria-pressed'), 'true');
    await soundToggle(page).click();
    assert.equal(await soundToggle(page).getAttribute('aria-pressed'), 'false');
    await dialog(page).getByRole('button', { name: 'Close chat' }).click();
    await reply('arrives tomorrow');
    await arrived(page, 'arrives tomorrow');
    assert.equal(await notes(page), 2, 'a chime with the sound off');

    await page.reload();
    await launcher(page).click();
    assert.equal(await soundToggle(page).getAttribute('aria-pressed'), 'false', 'the choice is remembered');
    await context.close();
  });

  it('stays silent before the visitor touched the page', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    context.setDefaultTimeout(WAIT);
    await context.addInitScript(recordNotes);
    const page = await context.newPage();
    await page.goto(`${server.url}/demo/?site=${ctx.siteKey}`);
    await openChat(page);
    await sendFromWidget(page, 'hello from a fresh page');
    const { conversation_id } = await receivedBy(anna.socket, 'hello from a fresh page', WAIT);
    // A new page of the same visitor, never clicked: the chat is closed, the message arrives.
    const second = await context.newPage();
    await second.goto(`${server.url}/demo/?site=${ctx.siteKey}`);
    await arrived(second, 'hello from a fresh page');
    await anna.socket.sendMessage('welcome back', { conversation_id });
    await arrived(second, 'welcome back');
    assert.equal(await notes(second), 0, 'a chime before any gesture on the page');
    await context.close();
  });
});
