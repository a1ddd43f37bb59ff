// A client of the HTTP long-poll transport (docs/protocol.md, "The HTTP transport"),
// with the interface of the harness's WsClient (send, next, received, sendMessage,
// waitClosed, close), so that a test reads the same on either transport.
import assert from 'node:assert/strict';
import { DEFAULT_TIMEOUT, baseUrl, uid, withTimeout } from './harness.mjs';

function matcher(pred) {
  if (typeof pred === 'function') return pred;
  if (typeof pred === 'string') return (f) => f && f.type === pred;
  if (pred && typeof pred === 'object') return (f) => Object.entries(pred).every(([k, v]) => f[k] === v);
  return () => true;
}

/** POSTs to a transport route; resolves {status, body, text, headers}. */
export async function rt(target, route, { origin, body, headers = {}, timeoutMs = 30000, signal } = {}) {
  const h = { 'Content-Type': 'text/plain', ...headers };
  if (origin) h.Origin = origin;
  const res = await fetch(baseUrl(target) + route, {
    method: 'POST', headers: h, body, signal: signal ?? AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

export class PollClient {
  constructor(target, session, origin, label) {
    this.target = target;
    this.session = session;
    this.origin = origin;
    this.label = label;
    this.cursor = 0;
    this.frames = [];
    this.buffer = [];
    this.waiters = [];
    this.closeInfo = null;
    this.stopped = false;
    this.loseNext = 0;  // responses to drop as if lost on the way (the cursor stays)
    this.polls = 0;
    this.closed = new Promise((resolve) => { this._resolveClosed = resolve; });
    this.loop = this._run();
  }

  async _run() {
    while (!this.stopped && !this.closeInfo) {
      let res;
      try {
        this.polls += 1;
        res = await rt(this.target, `/rt/poll?session=${this.session}&ack=${this.cursor}`, { origin: this.origin });
      } catch (err) {
        if (this.stopped) return;
        this._close({ code: 0, reason: `poll failed: ${err.message}` });
        return;
      }
      if (res.status !== 200) {
        this._close({ code: 0, reason: `poll answered ${res.status} ${res.text}` });
        return;
      }
      if (this.loseNext > 0) {
        this.loseNext -= 1;
        continue;
      }
      assert.equal(res.body.cursor, this.cursor, `${this.label}: the batch starts at the cursor`);
      for (const frame of res.body.frames) {
        this.frames.push(frame);
        this.buffer.push(frame);
      }
      this.cursor += res.body.frames.length;
      if (res.body.close) this._close(res.body.close);
      this._pump();
    }
  }

  _close(info) {
    if (this.closeInfo) return;
    this.closeInfo = info;
    this._resolveClosed(info);
    this._pump();
  }

  _pump() {
    for (const waiter of [...this.waiters]) {
      const idx = this.buffer.findIndex(waiter.match);
      if (idx >= 0) {
        const [frame] = this.buffer.splice(idx, 1);
        clearTimeout(waiter.timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      } else if (this.closeInfo) {
        clearTimeout(waiter.timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.reject(new Error(`${this.label}: closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${waiter.what}; received ${JSON.stringify(this.frames.slice(-10))}`));
      }
    }
  }

  /** Posts frames (objects or raw lines), one per line; resolves the HTTP answer. */
  post(...frames) {
    const body = frames.map((f) => (typeof f === 'string' ? f : JSON.stringify(f))).join('\n');
    return rt(this.target, `/rt/send?session=${this.session}`, { origin: this.origin, body });
  }

  /** Sends one frame after the ones sent before it (one POST at a time keeps the order). */
  send(frame) {
    this.sending = (this.sending ?? Promise.resolve()).then(async () => {
      const res = await this.post(frame);
      assert.equal(res.status, 204, `${this.label}: send answered ${res.status} ${res.text}`);
    });
    this.sending.catch(() => {});
  }

  next(pred, timeoutMs = DEFAULT_TIMEOUT) {
    const match = matcher(pred);
    const what = typeof pred === 'function' ? 'a matching frame' : JSON.stringify(pred);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve, reject, what };
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.label}: no frame ${what} within ${timeoutMs} ms; received ${JSON.stringify(this.frames.slice(-10))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
      this._pump();
    });
  }

  received(pred) { return this.frames.filter(matcher(pred)); }

  async sendMessage(body, extra = {}, timeoutMs = DEFAULT_TIMEOUT) {
    const clientId = extra.client_id ?? uid('m');
    this.send({ type: 'send', client_id: clientId, body, ...extra });
    const frame = await this.next(
      (f) => (f.type === 'ack' || f.type === 'error') && (f.client_id === clientId || f.ref === clientId), timeoutMs);
    assert.equal(frame.type, 'ack', `${this.label}: send ${clientId} failed: ${JSON.stringify(frame)}`);
    return frame;
  }

  waitClosed(timeoutMs = DEFAULT_TIMEOUT) {
    return withTimeout(this.closed, timeoutMs, `${this.label}: session not closed`);
  }

  /** Stops polling (as a page that went away); the server expires the session. */
  stop() { this.stopped = true; }
}

/** Opens a session (no hello sent). */
export async function openPoll(target, { origin, label = 'poll' } = {}) {
  const res = await rt(target, '/rt/open', { origin });
  assert.equal(res.status, 200, `${label}: open answered ${res.status} ${res.text}`);
  assert.match(res.body.session, /^ps_[A-Za-z0-9_-]{20,}$/);
  return new PollClient(target, res.body.session, origin, label);
}

/** A visitor over the HTTP transport, after hello → welcome (as the harness's visitor()). */
export async function pollVisitor(server, siteKey, { origin, contactToken, label = 'poll-visitor' } = {}) {
  const client = await openPoll(server, { origin: origin ?? server.origin, label });
  const hello = { type: 'hello', role: 'visitor', site_key: siteKey };
  if (contactToken) hello.contact_token = contactToken;
  client.send(hello);
  const first = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  assert.equal(first.type, 'welcome', `${label}: hello refused: ${JSON.stringify(first)}`);
  client.welcome = first;
  client.contactToken = first.contact_token;
  client.conversation = first.conversation;
  return client;
}

/** An agent over the HTTP transport, after hello → welcome. */
export async function pollAgent(server, token, { label = 'poll-agent' } = {}) {
  const client = await openPoll(server, { origin: new URL(baseUrl(server)).origin, label });
  client.send({ type: 'hello', role: 'agent', token });
  const first = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  assert.equal(first.type, 'welcome', `${label}: hello refused: ${JSON.stringify(first)}`);
  client.welcome = first;
  return client;
}
