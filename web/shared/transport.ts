// The fallback transport, shared by the widget and the console (docs/protocol.md, "The
// HTTP transport"). When WebSockets are blocked (a proxy, an antivirus, a network that
// drops upgrades), the same frames go over plain HTTP: POST /rt/open for a session,
// long polls on /rt/poll that say how far they got (so a lost answer is sent again),
// and POST /rt/send for what the client says. PollSocket has the slice of WebSocket's
// API the clients use, so hello, acks, resume and typing work unchanged on it.
//
// TransportChooser decides which one to open: the WebSocket first; the HTTP transport
// once a WebSocket failed to open within OPEN_TIMEOUT_MS or closed before the welcome
// twice; and, while on HTTP, a WebSocket probe every PROBE_EVERY_MS that switches back
// when one opens.

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;
/** Frames per POST (the server takes at most 64). */
const BATCH = 64;
/** A poll with no answer after the server's wait and this much more is given up. */
const POLL_GRACE_MS = 10000;
/** A failed poll or send is tried again this many times before the session counts as lost. */
const RETRIES = 3;

export const OPEN_TIMEOUT_MS = 3000;
export const PROBE_EVERY_MS = 60000;

/** What the clients use of a WebSocket; a WebSocket and a PollSocket are both one. */
export type SocketLike = WebSocket | PollSocket;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The HTTP transport's base (".../rt/") next to a WebSocket URL (".../ws"). */
export function pollBaseFor(wsUrl: string | URL): string {
  const url = new URL(String(wsUrl));
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.replace(/ws$/, 'rt/');
  url.search = '';
  url.hash = '';
  return url.href;
}

export class PollSocket {
  readyState = CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  private session = '';
  private cursor = 0;
  private pollWaitMs = 25000;
  private outbox: string[] = [];
  private posting = false;
  private readonly aborter = new AbortController();

  constructor(private readonly base: string) {
    void this.open();
  }

  send(data: string): void {
    if (this.readyState !== OPEN) return;
    this.outbox.push(data);
    void this.flush();
  }

  close(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.aborter.abort();
  }

  private request(route: string, body: string, timeoutMs: number): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    this.aborter.signal.addEventListener('abort', () => controller.abort(), { once: true });
    // A CORS "simple" request (POST, text/plain, no custom header): no preflight.
    return fetch(this.base + route, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'text/plain' },
      credentials: 'omit',
      cache: 'no-store',
      signal: controller.signal,
    }).finally(() => clearTimeout(timer));
  }

  private async open(): Promise<void> {
    try {
      const response = await this.request('open', '', OPEN_TIMEOUT_MS * 2);
      if (!response.ok) return this.finish(1013);
      const body = await response.json();
      if (this.readyState !== CONNECTING) return;
      this.session = encodeURIComponent(String(body.session));
      if (typeof body.poll_wait_ms === 'number') this.pollWaitMs = body.poll_wait_ms;
      this.readyState = OPEN;
      this.onopen?.(new Event('open'));
      void this.pollLoop();
      void this.flush();
    } catch {
      this.finish(1006);
    }
  }

  /** Long polls one after another; each says how many frames arrived so far. */
  private async pollLoop(): Promise<void> {
    let failures = 0;
    while (this.readyState === OPEN) {
      let batch: { cursor: number; frames: unknown[]; close?: { code: number; reason: string } };
      try {
        const response = await this.request(
          `poll?session=${this.session}&ack=${this.cursor}`, '', this.pollWaitMs + POLL_GRACE_MS);
        if (response.status === 404 || response.status === 403) return this.finish(1006);
        if (!response.ok) throw new Error(String(response.status));
        batch = await response.json();
        failures = 0;
      } catch {
        // The answer was lost: the next poll from the same cursor gets the frames again.
        if (this.readyState !== OPEN) return;
        if (++failures > RETRIES) return this.finish(1006);
        await sleep(500 * failures);
        continue;
      }
      if (this.readyState !== OPEN) return;
      // Frames before the cursor were delivered already (an answer that overtook a lost one).
      const fresh = batch.frames.slice(Math.max(0, this.cursor - batch.cursor));
      this.cursor = batch.cursor + batch.frames.length;
      for (const frame of fresh) {
        if (this.readyState !== OPEN) return;
        this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }));
      }
      if (batch.close) return this.finish(batch.close.code, batch.close.reason);
    }
  }

  /** One POST at a time, so that the server gets the frames in the order they were sent. */
  private async flush(): Promise<void> {
    if (this.posting || this.readyState !== OPEN || this.outbox.length === 0) return;
    this.posting = true;
    const batch = this.outbox.splice(0, BATCH);
    let failures = 0;
    while (this.readyState === OPEN) {
      try {
        const response = await this.request(`send?session=${this.session}`, batch.join('\n'), 15000);
        if (response.ok) break;
        if (response.status !== 429) return this.finish(1006);
      } catch {
        if (++failures > RETRIES) return this.finish(1006);
      }
      // Busy (the server holds reading back) or lost: the same frames again, in order. A
      // send that did arrive and is sent again is a duplicate the server acks as one.
      await sleep(1000);
    }
    this.posting = false;
    void this.flush();
  }

  private finish(code: number, reason = ''): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.aborter.abort();
    this.onclose?.(new CloseEvent('close', { code, reason }));
  }
}

export type TransportKind = 'websocket' | 'http';

/** Which transport to open next, and when to go back to the WebSocket. */
export class TransportChooser {
  kind: TransportKind = 'websocket';
  private earlyCloses = 0;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private probe: WebSocket | null = null;

  constructor(private readonly wsUrl: string | URL, private readonly pollBase = pollBaseFor(wsUrl)) {}

  /** A new socket of the current kind (it may throw, as `new WebSocket` may). */
  open(): SocketLike {
    return this.kind === 'websocket' ? new WebSocket(this.wsUrl) : new PollSocket(this.pollBase);
  }

  /** How long to wait for the socket to open before giving up on it. */
  get openTimeoutMs(): number {
    return this.kind === 'websocket' ? OPEN_TIMEOUT_MS : OPEN_TIMEOUT_MS * 3;
  }

  /**
   * The socket failed before the server's welcome: did not open in time (`timedOut`) or
   * closed. True when the next attempt should come at once, on the other transport.
   */
  failedBeforeWelcome(timedOut: boolean): boolean {
    if (this.kind !== 'websocket') return false;
    this.earlyCloses += 1;
    if (!timedOut && this.earlyCloses < 2) return false;
    this.kind = 'http';
    return true;
  }

  /** The hello was accepted; on HTTP, `backToWebSocket` is called once a probe opens. */
  welcomed(backToWebSocket: () => void): void {
    if (this.kind === 'websocket') {
      this.earlyCloses = 0;
      return;
    }
    this.scheduleProbe(backToWebSocket);
  }

  stop(): void {
    clearTimeout(this.probeTimer);
    this.closeProbe();
  }

  private scheduleProbe(backToWebSocket: () => void): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => this.runProbe(backToWebSocket), PROBE_EVERY_MS);
  }

  private runProbe(backToWebSocket: () => void): void {
    this.closeProbe();
    let probe: WebSocket;
    try {
      probe = new WebSocket(this.wsUrl);
    } catch {
      return this.scheduleProbe(backToWebSocket);
    }
    this.probe = probe;
    const timer = setTimeout(() => {
      this.closeProbe();
      this.scheduleProbe(backToWebSocket);
    }, OPEN_TIMEOUT_MS);
    probe.onopen = () => {
      clearTimeout(timer);
      this.closeProbe();
      this.kind = 'websocket';
      this.earlyCloses = 0;
      backToWebSocket();
    };
    probe.onclose = () => {
      if (this.probe !== probe) return;
      clearTimeout(timer);
      this.probe = null;
      this.scheduleProbe(backToWebSocket);
    };
  }

  private closeProbe(): void {
    const probe = this.probe;
    this.probe = null;
    if (!probe) return;
    probe.onopen = probe.onclose = null;
    try {
      probe.close();
    } catch {
      /* already closing */
    }
  }
}
