// One connection to the server that keeps itself alive: it reconnects with exponential
// backoff and jitter, notices dead sockets (no answer to what it sent), and follows the
// browser's online/offline events. A WebSocket when it works, else the same frames over
// HTTP (web/shared/transport.ts). What to say after connecting is up to the caller.
import { SocketLike, TransportChooser } from '../../shared/transport';
import { CLOSE_POLICY, ClientFrame, ServerFrame } from './protocol';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface ConnectionHandlers {
  /** The socket is open: say hello. */
  onOpen(): void;
  onFrame(frame: ServerFrame): void;
  onState(state: ConnectionState): void;
  /** Neither transport has worked for UNREACHABLE_MS (true), or one works again (false). */
  onUnreachable(unreachable: boolean): void;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 20000;
/** A frame that expects an answer must get one (any frame) within this time. */
const ANSWER_TIMEOUT_MS = 8000;
/** Without a working connection for this long, the visitor is told. */
const UNREACHABLE_MS = 10000;

const CONNECTING = 0;
const OPEN = 1;

export class Connection {
  private socket: SocketLike | null = null;
  private readonly transport: TransportChooser;
  private welcomedHere = false;  // the current socket got a welcome
  private unreachableTimer: number | undefined;
  private unreachable = false;
  private attempt = 0;
  private retryTimer: number | undefined;
  private lastReceivedAt = 0;
  private state: ConnectionState = 'connecting';
  private everOpened = false;

  constructor(url: string, private readonly handlers: ConnectionHandlers) {
    this.transport = new TransportChooser(url);
    // A lost network usually leaves a socket that looks open but is dead: drop it and
    // come back as soon as the browser says the network is back.
    window.addEventListener('offline', () => this.drop());
    window.addEventListener('online', () => {
      if (this.state === 'stopped' || this.socket) return;
      this.attempt = 0;
      this.connectNow();
    });
  }

  start(): void {
    this.watchReachability();
    this.connectNow();
  }

  /** 'websocket' or 'http': which transport the connection uses now. */
  get transportKind(): string {
    return this.transport.kind;
  }

  /** True when frames can be sent now. */
  get isOpen(): boolean {
    return !!this.socket && this.socket.readyState === OPEN;
  }

  /**
   * Sends a frame if the socket is open. With `expectAnswer`, a socket that stays silent
   * afterwards is considered dead and replaced.
   */
  send(frame: ClientFrame, expectAnswer = false): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(frame));
    if (expectAnswer) {
      const sentAt = Date.now();
      window.setTimeout(() => {
        if (this.socket === socket && this.lastReceivedAt < sentAt) this.drop();
      }, ANSWER_TIMEOUT_MS);
    }
    return true;
  }

  /** The hello was accepted: later drops start their backoff from the beginning. */
  markHealthy(): void {
    this.attempt = 0;
    this.welcomedHere = true;
    this.reachable();
    // On HTTP: back to a WebSocket once a probe opens one (the hello resumes by seq).
    this.transport.welcomed(() => this.reconnectAtOnce());
  }

  /** A new hello on a new socket at once (the page gave a new identity), even after a stop. */
  renew(): void {
    if (this.state === 'stopped') this.setState('connecting');
    this.attempt = 0;
    this.reconnectAtOnce();
  }

  /** Gives up for good (the server refused the site or origin). */
  stop(): void {
    this.setState('stopped');
    window.clearTimeout(this.retryTimer);
    window.clearTimeout(this.unreachableTimer);
    this.transport.stop();
    const socket = this.socket;
    this.socket = null;
    if (socket) this.detach(socket, true);
  }

  private connectNow(): void {
    window.clearTimeout(this.retryTimer);
    if (this.state === 'stopped' || this.socket) return;
    let socket: SocketLike;
    try {
      socket = this.transport.open();
    } catch {
      if (this.transport.failedBeforeWelcome(false)) return this.connectNow();
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.welcomedHere = false;
    const connectTimer = window.setTimeout(() => {
      if (this.socket !== socket || socket.readyState !== CONNECTING) return;
      // Blocked WebSockets often hang instead of failing: try HTTP at once.
      if (this.transport.failedBeforeWelcome(true)) this.reconnectAtOnce();
      else this.drop();
    }, this.transport.openTimeoutMs);
    socket.onopen = () => {
      window.clearTimeout(connectTimer);
      this.everOpened = true;
      this.lastReceivedAt = Date.now();
      this.setState('open');
      this.handlers.onOpen();
    };
    socket.onmessage = (event) => {
      this.lastReceivedAt = Date.now();
      if (typeof event.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame.type === 'string') this.handlers.onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      window.clearTimeout(connectTimer);
      if (event.code === CLOSE_POLICY) this.stop();
      else if (!this.welcomedHere && this.transport.failedBeforeWelcome(false)) this.connectNow();
      else this.scheduleReconnect();
    };
    // 'error' is always followed by 'close', which does the work.
  }

  /** Forgets the current socket at once (without waiting for a close handshake). */
  private drop(): void {
    const socket = this.socket;
    if (!socket || this.state === 'stopped') return;
    this.socket = null;
    this.detach(socket, true);
    this.scheduleReconnect();
  }

  /** Replaces the current socket now, on the transport chosen (no backoff). */
  private reconnectAtOnce(): void {
    const socket = this.socket;
    if (this.state === 'stopped') return;
    this.socket = null;
    if (socket) this.detach(socket, true);
    this.connectNow();
  }

  /** Starts the clock that tells the visitor when nothing has worked for a while. */
  private watchReachability(): void {
    if (this.unreachableTimer !== undefined || this.unreachable) return;
    this.unreachableTimer = window.setTimeout(() => {
      this.unreachableTimer = undefined;
      if (this.state === 'open' || this.state === 'stopped') return;
      this.unreachable = true;
      this.handlers.onUnreachable(true);
    }, UNREACHABLE_MS);
  }

  private reachable(): void {
    window.clearTimeout(this.unreachableTimer);
    this.unreachableTimer = undefined;
    if (!this.unreachable) return;
    this.unreachable = false;
    this.handlers.onUnreachable(false);
  }

  private detach(socket: SocketLike, close: boolean): void {
    socket.onopen = socket.onmessage = socket.onclose = null;
    if (close) {
      try {
        socket.close();
      } catch {
        /* already closing */
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.state === 'stopped') return;
    this.setState(this.everOpened ? 'reconnecting' : 'connecting');
    window.clearTimeout(this.retryTimer);
    // Full backoff doubles per failed attempt up to the cap; the random half spreads the
    // reconnects of many visitors after a server restart.
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt += 1;
    this.retryTimer = window.setTimeout(() => this.connectNow(), delay);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    if (state === 'connecting' || state === 'reconnecting') this.watchReachability();
    this.handlers.onState(state);
  }
}
