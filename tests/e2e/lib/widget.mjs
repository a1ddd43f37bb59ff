// The widget as a visitor sees it: its controls by role and accessible name.
export const launcher = (page) => page.getByRole('button', { name: 'Open chat' });
export const dialog = (page) => page.getByRole('dialog');
export const log = (page) => page.getByRole('log');
export const messageBox = (page) => page.getByRole('textbox', { name: 'Message' });
export const bubble = (page, body) => log(page).getByText(body, { exact: true });
// The element of one message (bubble, name, time and delivery state).
export const messageItem = (page, body) =>
  log(page).locator('.msg', { has: page.getByText(body, { exact: true }) });

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
