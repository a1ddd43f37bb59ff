// Shared helpers for Juttu's integration tests.
//
// Every test file starts its own server(s) on a free port with a fresh data directory;
// everything started here (servers, sockets, temp dirs) is torn down when the file ends,
// and a process 'exit' hook SIGKILLs any server that is somehow still alive.
//
// All waits are time-bounded (default 5 s) so a broken server fails a test quickly
// instead of hanging it.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../..');
export const BIN = process.env.JUTTU_BIN || path.join(REPO_ROOT, 'build', 'juttu');

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'admin-password-1234';
export const DEFAULT_TIMEOUT = 5000;
const START_TIMEOUT = 15000;

// ---------------------------------------------------------------------------------------
// Bookkeeping and teardown

const liveProcs = new Set();
const liveSockets = new Set();
const tempDirs = new Set();

process.on('exit', () => {
  for (const proc of liveProcs) {
    try { proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
  if (!process.env.JUTTU_KEEP_DATA) {
    for (const dir of tempDirs) {
      try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
    }
  }
});

// Runs once after all tests of the file that imported this module.
after(async () => {
  for (const ws of liveSockets) {
    try { ws.terminate(); } catch { /* ignore */ }
  }
  liveSockets.clear();
  await Promise.all([...liveProcs].map(async (proc) => {
    try { proc.kill('SIGTERM'); } catch { /* ignore */ }
    const exited = await waitExit(proc, 3000);
    if (!exited) {
      try { proc.kill('SIGKILL'); } catch { /* ignore */ }
      await waitExit(proc, 3000);
    }
  }));
});

function waitExit(proc, timeoutMs) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    proc.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

export function tempDir(prefix = 'juttu-it-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

// ---------------------------------------------------------------------------------------
// Small utilities

/** Rejects with `message` unless `promise` settles within `ms`. */
export function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${message}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

let uidCounter = 0;
/** A client_id-safe unique string. */
export function uid(prefix = 'c') {
  uidCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${uidCounter}`;
}

/**
 * Polls `fn` until it returns a truthy value (which is returned) or the time is up;
 * for state that the contract does not promise to be visible at a specific instant.
 */
export async function eventually(fn, { timeoutMs = DEFAULT_TIMEOUT, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.stack : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------
// Server processes

function capped(buffer, chunk, max = 256 * 1024) {
  const next = buffer + chunk;
  return next.length > max ? next.slice(next.length - max) : next;
}

/**
 * Starts `juttu serve` on 127.0.0.1:0 and waits for its "listening on" line.
 *
 * Returns {url, port, origin, dataDir, proc, output(), stop(signal), kill9(), restart()}.
 * `origin` is the origin the Demo site was created with (the first server on this data
 * dir); a restarted server listens on a new port but keeps `origin`, which the Demo
 * site still allows.
 */
// Every test client comes from 127.0.0.1, far past what the rate limits allow one
// address: unless a test asks for the defaults (limits: 'default'), the limits stay on at
// rates no test reaches, and the tests of the limits set their own (docs/security.md).
export const LIMITS_OUT_OF_REACH = Object.fromEntries([
  'LOGIN_PER_ADDRESS', 'LOGIN_PER_ACCOUNT', 'PASSWORD_CHANGE_PER_AGENT', 'CONTACTS_PER_ADDRESS',
  'CONTACTS_PER_SITE', 'CONVERSATIONS_PER_ADDRESS', 'CONVERSATIONS_PER_SITE', 'MESSAGES_PER_CONTACT',
  'PAGE_VIEWS_PER_CONTACT', 'ATTRIBUTES_PER_CONTACT', 'SEARCHES_PER_AGENT',
].map((name) => [`JUTTU_LIMIT_${name}`, '1000000/1']).concat([['JUTTU_LIMIT_SOCKETS_PER_CONTACT', '0']]));

export async function startServer({ dataDir, env = {}, origin, limits = 'out-of-reach' } = {}) {
  assert.ok(fs.existsSync(BIN), `server binary not found: ${BIN} (set JUTTU_BIN)`);
  const dir = dataDir ?? tempDir();
  const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir], {
    env: {
      ...process.env,
      JUTTU_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      JUTTU_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Two event loops whatever the machine (the default leaves a core to the store):
      // connections then live on different loops, as they do in production.
      JUTTU_THREADS: '2',
      ...(limits === 'default' ? {} : LIMITS_OUT_OF_REACH),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveProcs.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  const exited = new Promise((resolve) => {
    proc.once('exit', (code, signal) => {
      liveProcs.delete(proc);
      resolve({ code, signal });
    });
  });
  const output = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try { proc.kill('SIGKILL'); } catch { /* ignore */ }
      reject(new Error(`server did not print "listening on" within ${START_TIMEOUT} ms\n${output()}`));
    }, START_TIMEOUT);
    let found = false;
    proc.stdout.on('data', (chunk) => {
      stdout = capped(stdout, chunk);
      if (!found) {
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m) {
          found = true;
          clearTimeout(timer);
          resolve(m[1].replace(/\/+$/, ''));
        }
      }
    });
    proc.stderr.on('data', (chunk) => { stderr = capped(stderr, chunk); });
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${BIN}: ${err.message}`));
    });
    exited.then(({ code, signal }) => {
      if (!found) {
        clearTimeout(timer);
        reject(new Error(`server exited (code ${code}, signal ${signal}) before listening\n${output()}`));
      }
    });
  });

  const port = Number(new URL(url).port);
  const server = {
    url,
    port,
    origin: origin ?? new URL(url).origin,
    dataDir: dir,
    proc,
    env,
    exited,
    output,
    get alive() { return proc.exitCode === null && proc.signalCode === null; },
    /** Sends `signal` and waits for the exit; resolves {code, signal}. */
    async stop(signal = 'SIGTERM', timeoutMs = 10000) {
      if (server.alive) proc.kill(signal);
      const ok = await waitExit(proc, timeoutMs);
      if (!ok) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`server did not exit within ${timeoutMs} ms of ${signal}\n${output()}`);
      }
      return exited;
    },
    /** SIGKILL, no chance to clean up. */
    async kill9() {
      if (server.alive) proc.kill('SIGKILL');
      return exited;
    },
    /** Stops (SIGTERM) if still running, then starts a new server on the same data dir. */
    async restart(opts = {}) {
      if (server.alive) await server.stop();
      return startServer({ dataDir: dir, env: opts.env ?? env, origin: server.origin, limits });
    },
  };
  return server;
}

// ---------------------------------------------------------------------------------------
// HTTP

/** A server object or a base URL string → the base URL. */
export function baseUrl(target) {
  return typeof target === 'object' && target !== null ? target.url : target;
}

/**
 * One HTTP request. `path` is taken as is when it starts with "/api/", "/healthz",
 * "/metrics" or "/ws", else it is relative to /api/v1. `body`: undefined for none, a
 * string is sent verbatim, anything else as JSON. Resolves {status, body, text, headers}
 * where body is the parsed JSON (or undefined when the answer is not JSON).
 */
export async function api(target, token, method, reqPath, body, { headers = {}, timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const url = baseUrl(target);
  const full = /^\/(api\/|healthz|metrics|ws)/.test(reqPath) ? reqPath : `/api/v1${reqPath}`;
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(url + full, { method, headers: h, body: payload, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`${method} ${full} failed: ${err.message}`);
  }
  const text = await res.text();
  let parsed;
  if (text.length) {
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** The value of one counter or gauge of GET /metrics (the server allows it without a token). */
export async function metric(target, name) {
  const text = (await api(target, null, 'GET', '/metrics')).text;
  const found = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  assert.ok(found, `${name} is not in /metrics`);
  return Number(found[1]);
}

/**
 * A request through node:http, for what fetch will not do (e.g. a chosen Host header).
 * Resolves {status, body, text, headers} like api(); headers is a plain object here.
 */
export function rawRequest(target, method, reqPath, { headers = {}, body, timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const url = new URL(reqPath, baseUrl(target));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let parsed;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
        resolve({ status: res.statusCode, body: parsed, text, headers: res.headers });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${reqPath} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Asserts an answer's status (and error code), printing the answer on failure. */
export function expectStatus(res, status, code) {
  const where = `${res.status} ${res.text.slice(0, 500)}`;
  assert.equal(res.status, status, `expected HTTP ${status}, got ${where}`);
  if (code !== undefined) {
    assert.ok(res.body && typeof res.body.error === 'object', `expected an error body, got ${where}`);
    assert.equal(res.body.error.code, code, `expected error code ${code}, got ${where}`);
    assert.equal(typeof res.body.error.message, 'string', `error.message must be a string: ${where}`);
  }
  return res.body;
}

/** Logs in; resolves {token, expires_at, agent}. Fails the test unless 200. */
export async function login(target, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const res = await api(target, null, 'POST', '/auth/login', { email, password });
  expectStatus(res, 200);
  assert.equal(typeof res.body.token, 'string');
  return res.body;
}

/** Logs in as the bootstrap admin and finds the Demo site: {admin, token, site}. */
export async function demo(server) {
  const admin = await login(server.url);
  const sites = expectStatus(await api(server.url, admin.token, 'GET', '/sites'), 200);
  const site = sites.items.find((s) => s.name === 'Demo shop');
  assert.ok(site, `no "Demo shop" site in ${JSON.stringify(sites)}`);
  return { admin, token: admin.token, site, siteKey: site.key };
}

/** Creates an agent through the API (as admin) and logs it in: {agent, token, password}. */
export async function createAgent(url, adminToken, { role = 'agent', name, email, password = 'agent-password-1' } = {}) {
  const id = uid('a').toLowerCase().replace(/[^a-z0-9-]/g, '');
  const body = { email: email ?? `${id}@example.com`, name: name ?? `Agent ${id}`, password, role };
  const created = expectStatus(await api(url, adminToken, 'POST', '/agents', body), 201);
  const session = await login(url, body.email, password);
  return { agent: created, token: session.token, password, email: body.email };
}

// ---------------------------------------------------------------------------------------
// WebSocket client

function matcher(pred) {
  if (typeof pred === 'function') return pred;
  if (typeof pred === 'string') return (f) => f && f.type === pred;
  if (pred && typeof pred === 'object') return (f) => partialMatch(f, pred);
  return () => true;
}

function partialMatch(actual, expected) {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => partialMatch(actual[k], v));
}

export class WsClient {
  constructor(ws, label) {
    this.ws = ws;
    this.label = label;
    this.openedAt = Date.now();
    this.frames = [];  // every frame ever received, in order
    this.buffer = [];  // received and not yet consumed by next()
    this.waiters = [];
    this.closeInfo = null;
    this.closed = new Promise((resolve) => { this._resolveClosed = resolve; });
    ws.on('message', (data, isBinary) => {
      let frame;
      if (isBinary) frame = { __binary: true, length: data.length };
      else {
        const text = data.toString('utf8');
        try { frame = JSON.parse(text); } catch { frame = { __raw: text }; }
      }
      this.frames.push(frame);
      this.buffer.push(frame);
      this._pump();
    });
    ws.on('close', (code, reason) => {
      liveSockets.delete(ws);
      this.closedAt = Date.now();
      this.closeInfo = { code, reason: reason.toString('utf8') };
      this._resolveClosed(this.closeInfo);
      this._pump();
    });
    ws.on('error', () => { /* surfaced through 'close' */ });
  }

  get isOpen() { return this.ws.readyState === WebSocket.OPEN; }

  /** Sends an object as JSON, or a string/Buffer verbatim. */
  send(frame) {
    const data = typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    this.ws.send(data);
  }

  _pump() {
    for (const waiter of [...this.waiters]) {
      const idx = this.buffer.findIndex(waiter.match);
      if (idx >= 0) {
        const [frame] = this.buffer.splice(idx, 1);
        this._removeWaiter(waiter);
        waiter.resolve(frame);
      } else if (this.closeInfo) {
        this._removeWaiter(waiter);
        waiter.reject(new Error(`${this.label}: socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${waiter.what}; received: ${this._recent()}`));
      }
    }
  }

  _removeWaiter(waiter) {
    clearTimeout(waiter.timer);
    this.waiters = this.waiters.filter((w) => w !== waiter);
  }

  _recent() {
    return JSON.stringify(this.frames.slice(-15)).slice(0, 3000);
  }

  /**
   * The next frame matching `pred` (a type string, a partial object, or a function);
   * frames that arrived earlier are buffered, so order of waiting does not matter.
   * Other frames are left in the buffer.
   */
  next(pred, timeoutMs = DEFAULT_TIMEOUT) {
    const match = matcher(pred);
    const what = typeof pred === 'function' ? (pred.name || 'a matching frame') : JSON.stringify(pred);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve, reject, what };
      waiter.timer = setTimeout(() => {
        this._removeWaiter(waiter);
        reject(new Error(`${this.label}: no frame ${what} within ${timeoutMs} ms; received: ${this._recent()}`));
      }, timeoutMs);
      this.waiters.push(waiter);
      this._pump();
    });
  }

  /** Every frame received so far that matches `pred` (consumed or not). */
  received(pred) {
    return this.frames.filter(matcher(pred));
  }

  /** Waits for the close; resolves {code, reason}. */
  waitClosed(timeoutMs = DEFAULT_TIMEOUT) {
    return withTimeout(this.closed, timeoutMs, `${this.label}: socket not closed; received: ${this._recent()}`);
  }

  /** ping → pong round trip; proves the socket is open and the server answers. */
  async roundTrip(timeoutMs = DEFAULT_TIMEOUT) {
    this.send({ type: 'ping' });
    return this.next('pong', timeoutMs);
  }

  /** Sends a message and waits for its ack (or an error frame with ref = client_id). */
  async sendMessage(body, extra = {}, timeoutMs = DEFAULT_TIMEOUT) {
    const clientId = extra.client_id ?? uid('m');
    this.send({ type: 'send', client_id: clientId, body, ...extra });
    const frame = await this.next(
      (f) => (f.type === 'ack' || f.type === 'error') && (f.client_id === clientId || f.ref === clientId),
      timeoutMs);
    assert.equal(frame.type, 'ack', `${this.label}: send ${clientId} failed: ${JSON.stringify(frame)}`);
    return frame;
  }

  /** Drops everything received so far (for long floods, to keep memory flat). */
  forget() {
    this.frames.length = 0;
    this.buffer.length = 0;
  }

  /** Stops reading from the socket (the server's writes back up), and starts again. */
  pauseReading() { this.ws.pause(); }
  resumeReading() { this.ws.resume(); }

  close(code = 1000) {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code);
    return this.waitClosed();
  }

  terminate() {
    this.ws.terminate();
  }
}

/** Opens a WebSocket to `${url}/ws` (no hello sent). `origin` sets the Origin header. */
export function connectWs(target, { origin, headers = {}, label = 'ws', timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const url = baseUrl(target);
  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
  const h = { ...headers };
  if (origin) h.Origin = origin;
  const ws = new WebSocket(wsUrl, { headers: h, handshakeTimeout: timeoutMs, maxPayload: 16 * 1024 * 1024 });
  liveSockets.add(ws);
  const client = new WsClient(ws, label);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${label}: WebSocket handshake with ${wsUrl} timed out`));
    }, timeoutMs + 500);
    ws.once('open', () => { clearTimeout(timer); client.openedAt = Date.now(); resolve(client); });
    ws.once('unexpected-response', (req, res) => {
      clearTimeout(timer);
      reject(new Error(`${label}: WebSocket handshake refused with HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', (err) => { clearTimeout(timer); reject(new Error(`${label}: ${err.message}`)); });
  });
}

/**
 * Connects as a visitor and completes hello → welcome. `target` is a server object (its
 * `origin` is the default Origin) or a base URL (whose own origin is the default).
 * Options: origin, contactToken, context (hello's browser context), headers (handshake
 * headers, e.g. User-Agent). Resolves the client with .welcome, .contactToken,
 * .contact, .conversation.
 */
export async function visitor(target, siteKey, { origin, contactToken, context, headers, label = 'visitor' } = {}) {
  const url = baseUrl(target);
  const defaultOrigin = typeof target === 'object' ? target.origin : new URL(url).origin;
  const client = await connectWs(url, { origin: origin ?? defaultOrigin, headers, label });
  const hello = { type: 'hello', role: 'visitor', site_key: siteKey };
  if (contactToken) hello.contact_token = contactToken;
  if (context) hello.context = context;
  client.send(hello);
  const first = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  assert.equal(first.type, 'welcome', `${label}: hello refused: ${JSON.stringify(first)}`);
  client.welcome = first;
  client.contactToken = first.contact_token;
  client.contact = first.contact;
  client.conversation = first.conversation;
  return client;
}

/** Connects as an agent with a session token and completes hello → welcome. */
export async function agent(target, token, { label = 'agent' } = {}) {
  const client = await connectWs(baseUrl(target), { label });
  client.send({ type: 'hello', role: 'agent', token });
  const first = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  assert.equal(first.type, 'welcome', `${label}: hello refused: ${JSON.stringify(first)}`);
  client.welcome = first;
  client.agent = first.agent;
  return client;
}

/**
 * Sends a frame expected to be refused: resolves the error frame. With `closeCode`,
 * also asserts the socket is then closed with that code.
 */
export async function expectError(client, frame, code, { closeCode, ref } = {}) {
  client.send(frame);
  const err = await client.next('error');
  assert.equal(err.code, code, `${client.label}: expected error ${code} for ${typeof frame === 'string' ? frame.slice(0, 200) : JSON.stringify(frame).slice(0, 200)}, got ${JSON.stringify(err)}`);
  if (ref !== undefined) assert.equal(err.ref, ref, `error.ref: ${JSON.stringify(err)}`);
  if (closeCode !== undefined) {
    const { code: got } = await client.waitClosed();
    assert.equal(got, closeCode, `${client.label}: expected close code ${closeCode}, got ${got}`);
  }
  return err;
}

// ---------------------------------------------------------------------------------------
// CLI

/** Runs the binary with `args`; resolves {code, signal, stdout, stderr}. */
export function runCli(args, { env = {}, timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    liveProcs.add(proc);
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (c) => { stdout += c; });
    proc.stderr.on('data', (c) => { stderr += c; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, timeoutMs);
    proc.once('error', (err) => { clearTimeout(timer); liveProcs.delete(proc); reject(err); });
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      liveProcs.delete(proc);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Runs the CLI and asserts exit 0; resolves trimmed stdout. */
export async function cliOk(args) {
  const res = await runCli(args);
  assert.equal(res.code, 0, `juttu ${args.join(' ')} → exit ${res.code}${res.timedOut ? ' (timed out)' : ''}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout.trim();
}
