// Attachments both ways in real browsers: a visitor pastes a screenshot (a PNG drawn on a
// canvas in the page) and attaches a PDF with "Attach file"; the agent's console shows the
// screenshot's thumbnail and downloads the PDF with identical bytes; the agent sends an
// image back and the visitor sees it; a file over the server's limit and a program renamed
// .png are refused with a message naming the reason. Elements are found by role and name.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demo, api, expectStatus, eventually, ADMIN_EMAIL, ADMIN_PASSWORD } from '../integration/lib/harness.mjs';
import { launchBrowser, screenshot, storySteps } from './lib/browser.mjs';
import { log, messageBox, openChat, sendFromWidget } from './lib/widget.mjs';

const WAIT = 8000;
const MAX_UPLOAD_BYTES = 64 * 1024;
const FIRST_MESSAGE = 'Here is my invoice and a screenshot';

// A small PDF with bytes that a mangled download would not keep (CR, LF, NUL, high bytes).
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\r\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1'),
  Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 37) % 256)),
  Buffer.from('\n%%EOF\n'),
]);

let server;
let ctx;
let browser;
let visitorPage;
let agentPage;
const pageErrors = [];

before(async () => {
  server = await startServer({ env: { JUTTU_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } });
  ctx = await demo(server);
  expectStatus(await api(server, ctx.token, 'PATCH', `/sites/${ctx.site.id}`, { routing: 'manual' }), 200);
  browser = await launchBrowser();
  visitorPage = await newPage();
  agentPage = await newPage();
});

after(async () => {
  if (browser) await browser.close();
});

async function newPage() {
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

/** A PNG drawn on a canvas in `page`, as bytes. */
async function canvasPng(page, width, height, color) {
  const base64 = await page.evaluate(([w, h, c]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    g.fillStyle = c;
    g.fillRect(0, 0, w, h);
    g.fillStyle = '#ffffff';
    g.fillRect(w / 4, h / 4, w / 2, h / 2);
    return canvas.toDataURL('image/png').split(',')[1];
  }, [width, height, color]);
  return Buffer.from(base64, 'base64');
}

/** Chooses files with the page's "Attach file" button (the browser's file chooser). */
async function attachWithPicker(page, files) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Attach file' }).click(),
  ]);
  await chooser.setFiles(files);
}

/** An image shown and loaded (a broken image has no natural width). */
async function loadedImage(locator) {
  await locator.waitFor();
  await locator.evaluate((img) => (img.complete && img.naturalWidth > 0) || new Promise((resolve, reject) => {
    img.addEventListener('load', resolve, { once: true });
    img.addEventListener('error', () => reject(new Error(`image failed to load: ${img.src}`)), { once: true });
  }));
  return locator.evaluate((img) => ({ width: img.naturalWidth, height: img.naturalHeight, src: img.src }));
}

const consoleLog = () => agentPage.getByRole('log', { name: 'Messages' });
const step = storySteps();

describe('attachments in the widget and the console', () => {
  step('the visitor pastes a screenshot and attaches a PDF', async () => {
    // The agent is online first: otherwise the widget offers the offline form.
    await agentPage.goto(`${server.url}/console/`);
    await agentPage.getByRole('textbox', { name: 'Email', exact: true }).fill(ADMIN_EMAIL);
    await agentPage.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await agentPage.getByRole('button', { name: 'Log in', exact: true }).click();
    await agentPage.getByRole('tab', { name: 'Unassigned', exact: true }).waitFor();
    await visitorPage.goto(`${server.url}/demo/?site=${ctx.siteKey}`);
    await openChat(visitorPage);
    await sendFromWidget(visitorPage, FIRST_MESSAGE);
    await log(visitorPage).locator('.msg', { hasText: FIRST_MESSAGE }).getByText('Sent').waitFor();

    // A screenshot on the clipboard, pasted into the message box.
    await messageBox(visitorPage).evaluate(async (box) => {
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 200;
      const g = canvas.getContext('2d');
      g.fillStyle = '#2b6cb0';
      g.fillRect(0, 0, 320, 200);
      g.fillStyle = '#ffffff';
      g.fillRect(40, 40, 120, 60);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      const data = new DataTransfer();
      data.items.add(new File([blob], 'image.png', { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    const shot = visitorPage.getByRole('img', { name: /^screenshot-.*\.png$/ });
    const shown = await loadedImage(shot);
    assert.ok(shown.width > 0 && shown.width <= 320, `thumbnail ${shown.width}x${shown.height}`);
    assert.equal(new URL(shown.src).origin, server.origin, 'the thumbnail comes from the Juttu server');

    await attachWithPicker(visitorPage, { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF });
    const link = log(visitorPage).getByRole('link', { name: 'invoice.pdf' });
    await link.waitFor();
    // The name is text, with the size beside it.
    await log(visitorPage).getByText(/\(2\.\d KB\)/).waitFor();
    await eventually(async () => (await visitorPage.getByText('Sending…').count()) === 0, { timeoutMs: WAIT, what: 'every message sent' });
    assert.equal(await visitorPage.getByText('Not sent').count(), 0);
    await screenshot(visitorPage, 'attachments-widget-sent');
  });

  step('the agent sees the thumbnail and downloads the PDF with identical bytes', async () => {
    await agentPage.getByRole('tab', { name: 'Unassigned', exact: true }).click();
    // The only chat; its preview is its last message (a file, without text).
    await agentPage.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().getByRole('button').first().click();
    await agentPage.getByRole('button', { name: 'Assign to me', exact: true }).click();

    const thumbnail = consoleLog().getByRole('img', { name: /^screenshot-.*\.png$/ });
    const shown = await loadedImage(thumbnail);
    assert.ok(shown.width > 0, 'the thumbnail loaded in the console');

    const link = consoleLog().getByRole('link', { name: 'invoice.pdf' });
    const [download] = await Promise.all([agentPage.waitForEvent('download'), link.click()]);
    const stream = await download.createReadStream();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    assert.equal(bytes.length, PDF.length);
    assert.ok(bytes.equals(PDF), 'the downloaded PDF has the bytes the visitor attached');
    await download.delete();
    await screenshot(agentPage, 'attachments-console-received');
  });

  step('the agent sends an image back and the visitor sees it', async () => {
    const png = await canvasPng(agentPage, 240, 160, '#38a169');
    await attachWithPicker(agentPage, { name: 'reply.png', mimeType: 'image/png', buffer: png });
    await loadedImage(consoleLog().getByRole('img', { name: 'reply.png' }));
    const shown = await loadedImage(log(visitorPage).getByRole('img', { name: 'reply.png' }));
    assert.ok(shown.width > 0, 'the visitor sees the agent\'s image');
    await screenshot(visitorPage, 'attachments-widget-received');
  });

  step('a file over the limit and a program renamed .png are refused, saying why', async () => {
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1024, 0x25);
    big.write('%PDF-1.4\n');
    // A file over the limit the welcome told is refused at once: none of it is sent.
    const uploads = [];
    const countUploads = (request) => { if (request.url().includes('/api/v1/files')) uploads.push(request.method()); };
    visitorPage.on('request', countUploads);
    agentPage.on('request', countUploads);
    await attachWithPicker(visitorPage, { name: 'catalogue.pdf', mimeType: 'application/pdf', buffer: big });
    await log(visitorPage).getByRole('alert').filter({ hasText: /catalogue\.pdf: This file is too large to send \(at most 64 KB\)\./ }).waitFor();
    await attachWithPicker(agentPage, { name: 'price-list.pdf', mimeType: 'application/pdf', buffer: big });
    await consoleLog().getByRole('alert').filter({ hasText: /price-list\.pdf: the file is too large to send \(at most 64 KB\)\./ }).waitFor();
    assert.deepEqual(uploads, [], 'nothing was uploaded');
    visitorPage.off('request', countUploads);
    agentPage.off('request', countUploads);

    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(512, 0)]);
    await attachWithPicker(visitorPage, { name: 'holiday.png', mimeType: 'image/png', buffer: elf });
    await log(visitorPage).getByRole('alert').filter({ hasText: /holiday\.png: This type of file cannot be sent/ }).waitFor();
    await screenshot(visitorPage, 'attachments-widget-refused');

    // The console refuses the same way, in its own words.
    await attachWithPicker(agentPage, { name: 'setup.png', mimeType: 'image/png', buffer: elf });
    await consoleLog().getByRole('alert').filter({ hasText: /setup\.png: this type of file cannot be sent/ }).waitFor();

    // Nothing refused reached the conversation: the agent holds the three messages with files
    // and the first text, no more.
    const conversations = expectStatus(await api(server, ctx.token, 'GET', '/conversations?status=open'), 200).items;
    const items = expectStatus(await api(server, ctx.token, 'GET',
      `/conversations/${conversations[0].id}/messages?after_seq=0`), 200).items;
    const names = items.flatMap((m) => (m.attachments || []).map((f) => f.name));
    assert.equal(items.length, 4, JSON.stringify(items));
    assert.ok(names.includes('invoice.pdf') && names.includes('reply.png'), names.join(', '));
    assert.deepEqual(pageErrors, []);
  });
});
