// Browser helpers for Juttu's end-to-end tests: Debian's Chromium driven by
// playwright-core (never a downloaded browser). Screenshots go to test-results/.
import { after, it } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from '../../integration/lib/harness.mjs';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');

const browsers = new Set();

after(async () => {
  await Promise.all([...browsers].map((b) => b.close().catch(() => {})));
  browsers.clear();
});

// Launches headless Chromium with the flags this machine needs (no sandbox as root,
// no background networking: the network is closed).
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
    ],
  });
  browsers.add(browser);
  return browser;
}

// Saves a full-page screenshot as test-results/screenshots/NAME.png and returns the path.
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Steps of one story told in order: once a step fails, the ones after it are skipped
 * instead of each waiting for its own timeout. Steps marked `independent` do not break
 * the chain. Returns step(name, fn, { independent }).
 */
export function storySteps() {
  let brokenAt = null;
  return function step(name, fn, { independent = false } = {}) {
    it(name, async (t) => {
      if (brokenAt) {
        t.skip(`"${brokenAt}" failed`);
        return;
      }
      try {
        await fn(t);
      } catch (err) {
        if (!independent) brokenAt = name;
        throw err;
      }
    });
  };
}

/**
 * A stand-in for the browser's Notification, permission granted, that records what the
 * pages of this context show in window.shownNotifications.
 */
export function recordNotifications(context) {
  return context.addInitScript(() => {
    window.shownNotifications = [];
    window.Notification = class {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title, options = {}) { window.shownNotifications.push({ title, body: options.body }); }
      close() {}
    };
  });
}
