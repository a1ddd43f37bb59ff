// The agent's WebSocket to /ws (docs/protocol.md): hello with the session token, frames in
// and out, and reconnecting with exponential backoff and jitter when the socket drops.
// When WebSockets are blocked, the same frames go over HTTP (web/shared/transport.ts).
import { SocketLike, TransportChooser } from '../../shared/transport';
import type { Agent, Availability, ClientFrame, ServerFrame, UploadLimits, Workspace } from './types';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'stopped';

export interface RealtimeHandlers {
  /** The server accepted the hello; `resumed` is true after a reconnect. */
  onWelcome(welcome: { agent: Agent; workspace: Workspace; availability?: Availability; uploads?: UploadLimits | null }, resumed: boolean): void;
  onFrame(frame: ServerFrame): void;
  onState(state: ConnectionState): void;
  /** The session was revoked (close code 4001) or the token refused: log in again. */
  onSessionEnded(): void;
}

const SESSION_REVOKED = 4001;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30000;
const HELLO_TIMEOUT_MS = 10000;
// The server closes sockets that stay silent; a ping also tells us when a socket died
// without a close frame (laptop sleep, a dropped NAT mapping).
const PING_EVERY_MS = 25000;
const SILENCE_LIMIT_MS = 40000;
const CONNECTING = 0;
const OPEN = 1;

export class RealtimeClient {
  private socket: SocketLike | null = null;
  private readonly transport: TransportChooser;
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  private state: ConnectionState = 'connecting';
  private attempts = 0;
  private welcomed = false;
  private everWelcomed = false;
  private stopped = false;
  private lastFrameAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private readonly url = new URL('../ws', document.baseURI);

  constructor(private readonly token: string, private readonly handlers: RealtimeHandlers) {
    this.url.protocol = this.url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.transport = new TransportChooser(this.url);
  }

  /** 'websocket' or 'http': the transport in use. */
  get transportKind(): string {
    return this.transport.kind;
  }

  start(): void {
    window.addEventListener('online', this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.reconnectNow);
    clearTimeout(this.retryTimer);
    this.transport.stop();
    this.dropSocket(1000);
    this.setState('stopped');
  }

  get isOnline(): boolean {
    return this.welcomed && this.socket?.readyState === OPEN;
  }

  /** Sends a frame when the connection is up; false when it is not (the caller retries later). */
  send(frame: ClientFrame): boolean {
    if (!this.isOnline || !this.socket) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private connect(): void {
    if (this.stopped) return;
    this.setState(this.everWelcomed || this.attempts > 0 ? 'reconnecting' : 'connecting');
    let socket: SocketLike;
    try {
      socket = this.transport.open();
    } catch {
      if (this.transport.failedBeforeWelcome(false)) return this.connect();
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.welcomed = false;
    clearTimeout(this.openTimer);
    this.openTimer = setTimeout(() => {
      if (this.socket !== socket || socket.readyState !== CONNECTING) return;
      // A blocked WebSocket often hangs rather than fails: HTTP at once.
      if (!this.transport.failedBeforeWelcome(true)) return this.abandon(socket);
      this.dropSocket(4000);
      this.connect();
    }, this.transport.openTimeoutMs);
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'hello', role: 'agent', token: this.token } satisfies ClientFrame));
      this.helloTimer = setTimeout(() => this.abandon(socket), HELLO_TIMEOUT_MS);
    };
    socket.onmessage = (event) => this.receive(socket, event);
    socket.onclose = (event) => this.closed(socket, event.code);
  }

  private receive(socket: SocketLike, event: MessageEvent): void {
    if (socket !== this.socket || typeof event.data !== 'string') return;
    this.lastFrameAt = Date.now();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(event.data) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'welcome') {
      clearTimeout(this.helloTimer);
      const resumed = this.everWelcomed;
      this.welcomed = true;
      this.everWelcomed = true;
      this.attempts = 0;
      this.startPinging();
      this.setState('online');
      // On HTTP: back to a WebSocket once a probe opens one.
      this.transport.welcomed(() => {
        if (this.stopped) return;
        this.dropSocket(1000);
        this.connect();
      });
      this.handlers.onWelcome({ agent: frame.agent, workspace: frame.workspace, availability: frame.availability, uploads: frame.uploads }, resumed);
      return;
    }
    if (frame.type === 'error' && frame.code === 'bad_token') {
      this.endSession();
      return;
    }
    if (frame.type !== 'pong') this.handlers.onFrame(frame);
  }

  private closed(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    const wasWelcomed = this.welcomed;
    this.socket = null;
    clearTimeout(this.openTimer);
    this.welcomed = false;
    clearTimeout(this.helloTimer);
    clearInterval(this.pingTimer);
    if (this.stopped) return;
    if (code === SESSION_REVOKED) {
      this.endSession();
      return;
    }
    if (!wasWelcomed && this.transport.failedBeforeWelcome(false)) return this.connect();
    this.scheduleReconnect();
  }

  private endSession(): void {
    if (this.stopped) return;
    this.stop();
    this.handlers.onSessionEnded();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState('reconnecting');
    clearTimeout(this.retryTimer);
    // Full jitter between half and all of the capped exponential delay, so that many
    // consoles do not all come back at the same instant after a server restart.
    const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempts);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** The browser says the network is back: do not wait for the backoff timer. */
  private readonly reconnectNow = () => {
    if (this.stopped || this.socket) return;
    clearTimeout(this.retryTimer);
    this.connect();
  };

  private startPinging(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket) return;
      if (Date.now() - this.lastFrameAt > SILENCE_LIMIT_MS) {
        this.abandon(socket);
        return;
      }
      if (socket.readyState === OPEN) socket.send(JSON.stringify({ type: 'ping' }));
    }, PING_EVERY_MS);
  }

  /** Gives up on a socket that stopped answering; a dead one may take minutes to close. */
  private abandon(socket: SocketLike): void {
    if (socket !== this.socket) return;
    this.dropSocket(4000);
    this.scheduleReconnect();
  }

  private dropSocket(code: number): void {
    const socket = this.socket;
    this.socket = null;
    this.welcomed = false;
    clearTimeout(this.helloTimer);
    clearInterval(this.pingTimer);
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try { socket.close(code); } catch { /* already closing */ }
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.handlers.onState(state);
  }
}
