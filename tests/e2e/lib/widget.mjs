// The widget as a visitor sees it: its controls by role and accessible name.
export const launcher = (page) => page.getByRole('button', { name: 'Open chat' });
export const dialog = (page) => page.getByRole('dialog');
export const log = (page) => page.getByRole('log');
export const messageBox = (page) => page.getByRole('textbox', { name: 'Message' });
export const bubble = (page, body) => log(page).getByText(body, { exact: true });
// The element of one message (bubble, name, time and delivery state).
export const messageItem = (page, body) =>
  log(page).locator('.msg', { has: page.getByText(body, { exact: true }) });

/**
 * The demo shop in a new browser context; with `lang`, its <html lang> is set to it before
 * the widget loads (as a shop's page in that language). Resolves {context, page}.
 */
export async function shopPage(browser, server, siteKey, { locale = 'en-US', lang, timeoutMs = 8000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  context.setDefaultTimeout(timeoutMs);
  const page = await context.newPage();
  if (lang) await setPageLanguage(page, lang);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${server.url}/demo/?site=${siteKey}`);
  return { context, page };
}

/** Sets the page's <html lang> to `code` before its scripts run, as a shop's page in that language. */
export async function setPageLanguage(page, code) {
  await page.addInitScript((given) => {
    new MutationObserver(() => {
      if (document.documentElement && document.documentElement.lang !== given) document.documentElement.lang = given;
    }).observe(document, { childList: true, subtree: true });
  }, code);
}

export async function openChat(page) {
  await launcher(page).click();
  await dialog(page).waitFor();
}

export async function sendFromWidget(page, body) {
  await messageBox(page).fill(body);
  await messageBox(page).press('Enter');
}

/** An agent client's copy of a visitor message with this body. */
export async function receivedBy(agentClient, body, timeoutMs) {
  const frame = await agentClient.next(
    (f) => f.type === 'message' && f.message && f.message.body === body, timeoutMs);
  return frame.message;
}

/**
 * A proxy between the page and the server that loses the first ack and closes the
 * connection (1001), as a server going down just after storing a message would.
 * Returns { connections, ackLost, sent }: sent holds every frame the page sent.
 */
export async function loseFirstAck(page) {
  const proxy = { connections: 0, ackLost: false, sent: [] };
  await page.routeWebSocket(/\/ws$/, (ws) => {
    proxy.connections += 1;
    const upstream = ws.connectToServer();
    ws.onMessage((message) => {
      proxy.sent.push(JSON.parse(message));
      upstream.send(message);
    });
    upstream.onMessage((message) => {
      if (!proxy.ackLost && JSON.parse(message).type === 'ack') {
        proxy.ackLost = true;
        ws.close({ code: 1001, reason: 'going away' });
        upstream.close();
        return;
      }
      ws.send(message);
    });
  });
  return proxy;
}
