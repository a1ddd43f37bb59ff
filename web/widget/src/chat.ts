// The visitor's side of the conversation: says hello, reports the page view, keeps the
// contact token, loads and resumes history with `sync`, sends messages with an outbox
// that survives reconnects and reloads (retries keep their client_id, so the server
// stores each message once), relays typing and read marks. It also follows whether anyone
// can chat now (the offline form's `leave_message` goes through the same outbox), the
// pre-chat form's answers and team, and the visitor's place in the queue. A file goes as
// a message of its own: uploaded first (once, whatever the retries), then sent with its id.
import { newUploadKey, UploadError, uploadFile } from '../../shared/uploads';
import { Connection } from './connection';
import {
  Availability, ClientFrame, Conversation, Identity, Message, Prechat, QueuePlace, ServerFrame, Team, UploadLimits,
  Welcome,
} from './protocol';
import { SiteStorage } from './storage';
import { ChatItem, MessageStore, PendingFile, PendingMessage } from './store';

export interface ChatEvents {
  /** Anything shown changed: messages, delivery states, read marks. */
  onChange(): void;
  onSite(site: Welcome['site']): void;
  /** Availability, pre-chat form, queue place or whether a conversation is open changed. */
  onState(): void;
  /** The server refused a message left with the offline form (it is no longer pending). */
  onLeaveFailed(message: PendingMessage): void;
  onReconnecting(reconnecting: boolean): void;
  /** Nothing reaches the server for a while (true), or it is reached again (false). */
  onUnreachable(unreachable: boolean): void;
  /** Names of the agents typing now ('' when the server sent no name). */
  onTyping(names: string[]): void;
  /** A message the widget had not seen, except those of the history loaded at start. */
  onNewMessage(item: ChatItem): void;
  /** The server refused the site or this page's origin: the widget cannot work here. */
  onRefused(): void;
  /** The page's signed identity was refused (bad_identity, identity_required): forgotten. */
  onIdentityRefused(code: string, message: string): void;
}

export interface ChatOptions {
  wsUrl: string;
  siteKey: string;
  /** Where files are uploaded: the server's /api/v1/files. */
  uploadUrl: string;
  storage: SiteStorage;
  /** True while the visitor can see the conversation: then new messages count as read. */
  isReading(): boolean;
}

const MAX_BODY_BYTES = 10000;
const HISTORY_PAGE = 200;
const TYPING_REFRESH_MS = 4000;
const TYPING_IDLE_MS = 3000;
const AGENT_TYPING_EXPIRY_MS = 8000;
const RETRY_UNAVAILABLE_MS = 2000;

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
function clip(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  const chars = Array.from(text.slice(0, maxBytes));
  while (byteLength(chars.join('')) > maxBytes) chars.pop();
  return chars.join('');
}

/**
 * The time, in a fixed width that sorts as it counts, to begin client ids with: the
 * server's idempotency index then grows at its end, where one commit's messages share a
 * page, instead of dirtying a random page per message.
 */
function timeKey(now: number): string {
  return now.toString(36).padStart(9, '0');
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
}

export interface PrechatAnswers {
  name: string;
  email: string;
  teamId: number | null;
  /** The answer to the site's own question (key: its label), '' when not answered. */
  answer: string;
}

export class ChatClient {
  readonly store = new MessageStore();
  /** null until the first welcome. */
  availability: Availability | null = null;
  prechat: Prechat | null = null;
  teams: Team[] = [];
  contact = { name: '', email: '' };
  /** The visitor's waiting conversation's place in the queue; null when not waiting. */
  queue: QueuePlace | null = null;
  /** The server's limits for attachments, from the welcome (null: it said none). */
  private uploadLimits: UploadLimits | null = null;
  /** The address given with a message left on the offline form on this page, once stored. */
  leftEmail: string | null = null;
  /** The pre-chat form was filled in and no conversation has started since. */
  prechatDone = false;
  /** An agent closed the conversation shown on this page; the visitor has not started anew. */
  ended = false;
  /** The agent who has the current conversation now ('' while nobody has it). */
  assigneeName = '';
  private team: number | null = null;
  private identified: { name?: string; email?: string } = {};
  /** The shop's signed identity of its customer, sent with every hello. */
  private identity: Identity | null = null;
  private helloSent = false;
  /** The current conversation is open or pending (not closed). */
  private conversationOpen = false;
  private readonly connection: Connection;
  /** Neither transport has reached the server for a while (see connection.ts). */
  unreachable = false;
  private conversationId: number | null = null;
  private welcomed = false;
  private pageViewSent = false;
  private historyLoaded = new Set<number>();
  private syncing = new Set<number>();
  private sentReadSeq = new Map<number, number>();
  private controlQueue: ClientFrame[] = [];
  private clientPrefix = randomId();
  private clientCounter = 0;
  private typingActive = false;
  private typingSentAt = 0;
  private typingTimer: number | undefined;
  private agentsTyping = new Map<number, { name: string; timer: number }>();
  /** The bytes of files not uploaded yet, by client_id: they live only in this page. */
  private uploads = new Map<string, { blob: Blob; progress: number; busy: boolean }>();
  /** Why the last hello was refused, when it was for the identity (the socket then closes). */
  private identityRefusal: string | null = null;
  /** The site lets only the shop's signed-in customers chat, and this page gave no identity. */
  identityRequired = false;

  constructor(private readonly options: ChatOptions, private readonly events: ChatEvents) {
    this.connection = new Connection(options.wsUrl, {
      onOpen: () => this.hello(),
      onFrame: (frame) => this.receive(frame),
      onState: (state) => {
        if (state !== 'open') this.welcomed = false;
        this.events.onReconnecting(state === 'reconnecting');
        if (state === 'stopped') this.stopped();
      },
      onUnreachable: (unreachable) => {
        this.unreachable = unreachable;
        this.events.onUnreachable(unreachable);
      },
    });
    // Messages written on an earlier page that never reached the server.
    for (const pending of this.loadOutbox()) this.store.addPending(pending);
    try {
      const saved = JSON.parse(options.storage.get('prechat') || 'null');
      if (saved) {
        this.prechatDone = true;
        this.team = typeof saved.team === 'number' ? saved.team : null;
      }
    } catch {
      /* nothing remembered */
    }
  }

  /** An open conversation, or chat messages on their way to start one. */
  get active(): boolean {
    return this.conversationOpen || this.store.pendingMessages().some((p) => !p.leave);
  }

  /** A message left with the offline form is on its way to the server. */
  get leaving(): boolean {
    return this.store.pendingMessages().some((p) => !!p.leave);
  }

  start(): void {
    this.connection.start();
  }

  get currentConversation(): number | null {
    return this.conversationId;
  }

  /** Queues a message; false when it is too long to send. */
  send(text: string): boolean {
    const body = text.trim();
    if (!body) return true;
    if (byteLength(body) > MAX_BODY_BYTES) return false;
    this.stopTyping();
    const pending = this.newPending(body);
    // The team chosen before the chat goes with the message that starts the conversation.
    if (!this.conversationOpen && this.team !== null) pending.team_id = this.team;
    return this.queueMessage(pending);
  }

  /** Queues a message carrying `file`, which is uploaded first and then sent. */
  attach(file: File): void {
    this.stopTyping();
    const pending = this.newPending('');
    pending.file = { name: clip(file.name, 255) || 'file', size: file.size, key: newUploadKey() };
    if (!this.conversationOpen && this.team !== null) pending.team_id = this.team;
    const limit = this.uploadLimits && this.uploadLimits.max_bytes;
    if (limit && file.size > limit) {
      // Refused here, in the visitor's language, before any of it is sent (the server
      // would refuse it too, after the upload).
      this.store.addPending(pending);
      this.store.fail(pending.client_id, 'too_large', limit);
      this.events.onChange();
      this.events.onState();
      return;
    }
    this.uploads.set(pending.client_id, { blob: file, progress: 0, busy: false });
    this.queueMessage(pending);
  }

  /** How much of a pending message's file is up (0..1); undefined when it has none to upload. */
  uploadProgress(clientId: string | undefined): number | undefined {
    const upload = clientId ? this.uploads.get(clientId) : undefined;
    return upload ? upload.progress : undefined;
  }

  /** Tries a failed message again (its file is not uploaded again if it already was). */
  retry(key: string): void {
    const pending = this.store.retry(key);
    if (!pending) return;
    this.saveOutbox();
    this.transmit(pending);
    this.events.onChange();
    this.events.onState();
  }

  /** The offline form: a message with the visitor's address; false when it is too long. */
  leaveMessage(name: string, email: string, text: string): boolean {
    const body = text.trim();
    if (!body || byteLength(body) > MAX_BODY_BYTES) return false;
    const pending = this.newPending(body);
    pending.leave = { name: clip(name.trim(), 200), email: email.trim() };
    return this.queueMessage(pending);
  }

  /** The visitor asked for a new chat after the last one ended: its next message starts one. */
  startNew(): void {
    this.ended = false;
    this.assigneeName = '';
    this.events.onState();
  }

  /** The pre-chat form was sent: tell the agents who this is, remember the team. */
  startChat(answers: PrechatAnswers): void {
    const who: { name?: string; email?: string } = {};
    if (answers.name.trim()) who.name = clip(answers.name.trim(), 200);
    if (answers.email.trim()) who.email = answers.email.trim();
    if (who.name !== undefined || who.email !== undefined) this.identify(who);
    const label = this.prechat && this.prechat.question ? this.prechat.question.label : '';
    if (label && answers.answer.trim()) this.setAttributes({ [label.slice(0, 64)]: clip(answers.answer.trim(), 1000) });
    this.team = answers.teamId;
    this.prechatDone = true;
    this.options.storage.set('prechat', JSON.stringify({ team: this.team }));
    this.events.onState();
  }

  private newPending(body: string): PendingMessage {
    this.clientCounter += 1;
    const now = Date.now();
    return { client_id: `w-${timeKey(now)}-${this.clientPrefix}-${this.clientCounter}`, body, created_at: now };
  }

  private queueMessage(pending: PendingMessage): boolean {
    this.store.addPending(pending);
    this.saveOutbox();
    this.transmit(pending);
    this.events.onChange();
    this.events.onState();
    return true;
  }

  /** The visitor edited the draft: tell the agent, at most every few seconds. */
  composing(text: string): void {
    window.clearTimeout(this.typingTimer);
    if (!text.trim()) return this.stopTyping();
    if (!this.typingActive || Date.now() - this.typingSentAt > TYPING_REFRESH_MS) this.sendTyping(true);
    this.typingTimer = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  identify(frame: { name?: string; email?: string }): void {
    // What the page says wins over the welcome's (older) contact, for the forms' defaults.
    Object.assign(this.identified, frame);
    Object.assign(this.contact, frame);
    this.sendControl({ type: 'identify', ...frame });
    this.events.onState();
  }

  /**
   * The page's signed identity of its customer: every hello carries it, this socket's
   * too when it has said hello already (a new one is opened to say it again).
   */
  setIdentity(identity: Identity): void {
    const changed = JSON.stringify(identity) !== JSON.stringify(this.identity);
    this.identity = identity;
    if (changed && this.helloSent) this.connection.renew();
  }

  setAttributes(attributes: Record<string, string | null>): void {
    this.sendControl({ type: 'attributes', attributes });
  }

  /** Makes sure the socket still works (after sleep or a hidden tab), reconnecting if not. */
  checkAlive(): void {
    if (this.welcomed) this.connection.send({ type: 'ping' }, true);
  }

  /** Sends a read mark up to the last message if the visitor can see the conversation. */
  markRead(): void {
    const id = this.conversationId;
    if (id === null || !this.welcomed || !this.options.isReading()) return;
    // Only agent messages need a read mark: the visitor has obviously seen their own.
    if (this.store.unreadCount(id) === 0) return;
    const last = this.store.lastSeq(id);
    if (last <= (this.sentReadSeq.get(id) || 0) || last <= this.store.visitorRead(id)) return;
    this.sentReadSeq.set(id, last);
    this.connection.send({ type: 'read', conversation_id: id, seq: last });
    this.store.markRead(id, 'visitor', last);
    this.events.onChange();
  }

  private hello(): void {
    this.syncing.clear();
    this.helloSent = true;
    const token = this.options.storage.get('contact');
    const screenSize = `${window.screen.width}x${window.screen.height}`;
    let timezone = '';
    try {
      timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      /* unknown */
    }
    this.connection.send({
      type: 'hello',
      role: 'visitor',
      site_key: this.options.siteKey,
      ...(token ? { contact_token: token } : {}),
      ...(this.identity ? { identity: this.identity } : {}),
      context: {
        language: clip(navigator.language || '', 100),
        // The shop's texts follow the page's language first (its greeting, its offline message).
        page_language: clip(document.documentElement.lang || '', 35),
        timezone: clip(timezone, 100),
        screen: screenSize,
      },
    });
  }

  private receive(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        return this.welcome(frame);
      case 'site_status':
        this.availability = { online: frame.online, reason: frame.reason, next_opening_at: frame.next_opening_at };
        return this.events.onState();
      case 'queue':
        this.queue = frame.position > 0 ? frame : null;
        return this.events.onState();
      case 'ack':
        return this.acknowledged(frame.client_id, frame.conversation_id, frame.seq, frame.created_at);
      case 'message':
        return this.messages([frame.message], frame.conversation_id, true);
      case 'history':
        this.store.setReadMarks(frame.conversation_id, frame.read_marks || []);
        this.messages(frame.messages, frame.conversation_id, this.historyLoaded.has(frame.conversation_id));
        this.syncing.delete(frame.conversation_id);
        if (frame.has_more && frame.messages.length) this.sync(frame.conversation_id);
        else {
          this.historyLoaded.add(frame.conversation_id);
          this.markRead();
        }
        return this.events.onChange();
      case 'typing':
        return this.agentTyping(frame.author.kind, frame.author.id, frame.author.name || '', frame.active);
      case 'read':
        this.store.markRead(frame.conversation_id, frame.reader.kind, frame.seq);
        return this.events.onChange();
      case 'conversation':
        return this.conversationChanged(frame.conversation);
      case 'error':
        if (frame.ref === 'hello') return this.helloRefused(frame.code, frame.message);
        return this.refused(frame.code, frame.ref, frame.retry_after_ms);
    }
  }

  private welcome(frame: Welcome): void {
    this.identityRequired = false;
    const { contact_token: token, site, conversation } = frame;
    this.welcomed = true;
    this.connection.markHealthy();
    if (token) this.options.storage.set('contact', token);
    this.events.onSite(site);
    // A server that says nothing about availability is always open.
    this.availability = frame.availability || { online: true, reason: 'open' };
    this.prechat = frame.prechat || null;
    this.teams = Array.isArray(frame.teams) ? frame.teams : [];
    this.contact = {
      name: (frame.contact && frame.contact.name) || '',
      email: (frame.contact && frame.contact.email) || '',
      ...this.identified,
    };
    this.queue = frame.queue && frame.queue.position > 0 ? frame.queue : null;
    this.uploadLimits = frame.uploads || null;
    this.conversationOpen = !!conversation;
    this.assigneeName = (conversation && conversation.assignee && conversation.assignee.name) || '';
    if (conversation) this.forgetPrechat();
    if (!this.pageViewSent) {
      this.pageViewSent = true;
      this.connection.send({
        type: 'page_view',
        url: clip(location.href, 2048),
        title: clip(document.title, 512),
        referrer: clip(document.referrer, 2048),
      });
    }
    // Without an open conversation the old one was closed: the next message starts anew.
    this.conversationId = conversation ? conversation.id : null;
    if (conversation) this.sync(conversation.id);
    // Who the visitor is goes first: the pre-chat form's answers precede its first message.
    for (const frame of this.controlQueue.splice(0)) this.connection.send(frame);
    for (const pending of this.store.pendingMessages()) this.transmit(pending);
    this.events.onState();
  }

  /** A conversation has started: the pre-chat answers were used. */
  private forgetPrechat(): void {
    this.team = null;
    this.prechatDone = false;
    this.options.storage.set('prechat', null);
  }

  /** Asks for everything after the last message we hold without a gap. */
  private sync(conversationId: number): void {
    if (this.syncing.has(conversationId) || !this.welcomed) return;
    this.syncing.add(conversationId);
    this.connection.send(
      { type: 'sync', conversation_id: conversationId, after_seq: this.store.lastSeq(conversationId), limit: HISTORY_PAGE },
      true,
    );
  }

  private transmit(pending: PendingMessage): void {
    if (!this.welcomed) return;
    const { client_id, body, leave, team_id, file } = pending;
    if (file && !file.stored) return this.upload(pending, file);
    if (leave) {
      this.connection.send(
        { type: 'leave_message', client_id, email: leave.email, body, ...(leave.name ? { name: leave.name } : {}) },
        true,
      );
    } else {
      this.connection.send(
        {
          type: 'send',
          client_id,
          body,
          ...(team_id !== undefined ? { team_id } : {}),
          ...(file && file.stored ? { attachments: [file.stored.id] } : {}),
        },
        true,
      );
    }
  }

  /** Uploads the file of a pending message, then sends the message with it. */
  private upload(pending: PendingMessage, file: PendingFile): void {
    const upload = this.uploads.get(pending.client_id);
    const token = this.options.storage.get('contact');
    if (!upload || !token) return this.uploadFailed(pending, new UploadError('failed', 0, 'no_file'));
    if (upload.busy) return;
    upload.busy = true;
    uploadFile({
      endpoint: this.options.uploadUrl,
      authorization: `Contact ${this.options.siteKey}:${token}`,
      file: upload.blob,
      name: file.name,
      key: file.key,
      onProgress: (fraction) => {
        upload.progress = fraction;
        this.events.onChange();
      },
    }).then(
      (stored) => {
        file.stored = stored;
        this.uploads.delete(pending.client_id);
        this.saveOutbox();
        this.transmit(pending);
        this.events.onChange();
      },
      (error: unknown) => {
        upload.busy = false;
        upload.progress = 0;
        this.uploadFailed(pending, error instanceof UploadError ? error : new UploadError('failed', 0, 'unknown'));
      },
    );
  }

  private uploadFailed(pending: PendingMessage, error: UploadError): void {
    // A refused file cannot succeed on a retry: its bytes are no longer needed.
    if (error.problem !== 'failed') this.uploads.delete(pending.client_id);
    this.store.fail(pending.client_id, error.problem, error.maxBytes);
    this.saveOutbox();
    this.events.onChange();
    this.events.onState();
  }

  /** Switches to a newer conversation: ours just started one, or another tab did. */
  private follow(conversationId: number, startedByUs = false): void {
    if (this.conversationId !== null && conversationId <= this.conversationId) return;
    this.conversationId = conversationId;
    this.conversationOpen = true;
    this.ended = false;
    this.forgetPrechat();
    // Our own first message opened it: there is no history before it to load.
    if (startedByUs) this.historyLoaded.add(conversationId);
    else this.sync(conversationId);
  }

  private acknowledged(clientId: string, conversationId: number, seq: number, createdAt: number): void {
    const pending = this.pending(clientId);
    this.follow(conversationId, seq === 1);
    if (conversationId === this.conversationId) this.conversationOpen = true;
    if (pending) this.delivered(pending);
    const item = this.store.acknowledge(clientId, conversationId, seq, createdAt);
    this.saveOutbox();
    if (item) this.events.onNewMessage(item);
    this.events.onChange();
    this.events.onState();
  }

  private messages(list: Message[], conversationId: number, announce: boolean): void {
    this.follow(conversationId);
    let changedOutbox = false;
    for (const message of list) {
      // Our own message, stored although its ack never came: it leaves the outbox.
      const pending = message.author.kind === 'visitor' ? this.pending(message.client_id) : undefined;
      const item = this.store.addMessage(message);
      if (!item) continue;
      changedOutbox = changedOutbox || !!pending;
      if (pending) this.delivered(pending);
      if (!item.own) this.agentTyping(message.author.kind, message.author.id, '', false);
      if (announce) this.events.onNewMessage(item);
    }
    if (changedOutbox) this.saveOutbox();
    this.markRead();
    this.events.onChange();
    if (changedOutbox) this.events.onState();
  }

  private pending(clientId: string | undefined): PendingMessage | undefined {
    return this.store.pendingMessages().find((p) => p.client_id === clientId);
  }

  /** One of our pending messages is stored (acknowledged, or seen in the conversation). */
  private delivered(pending: PendingMessage): void {
    if (pending.leave) this.leftEmail = pending.leave.email;
  }

  private conversationChanged(conversation: Conversation): void {
    const { id } = conversation;
    if (conversation.status === 'closed') {
      if (this.queue && this.queue.conversation_id === id) this.queue = null;
      if (id === this.conversationId) {
        this.conversationOpen = false;
        this.leftEmail = null;
        this.ended = true;
      }
    } else if (id >= (this.conversationId || 0)) {
      this.follow(id);
      this.conversationOpen = true;
      // Assigned, transferred or taken: the header follows whoever has it now.
      this.assigneeName = (conversation.assignee && conversation.assignee.name) || '';
    }
    this.events.onState();
  }

  /**
   * The server refused the hello and closes the socket. A refused identity is forgotten,
   * and the page is told (Juttu.on('identity_refused')): its next identify(), with a
   * fresh token, connects again.
   */
  private helloRefused(code: string, message: string): void {
    if (code === 'bad_identity' || code === 'identity_required') {
      this.identity = null;
      this.identityRefusal = code;
      console.warn(`Juttu: ${message}`);
      this.events.onIdentityRefused(code, message);
    }
  }

  /**
   * The server closed the socket for good. For the site or the page's origin the widget
   * cannot work here; for the identity it can: without one (an expired token, say) the
   * visitor chats on as an anonymous visitor, unless the site requires one, where the
   * page's next identify() connects again.
   */
  private stopped(): void {
    const refusal = this.identityRefusal;
    this.identityRefusal = null;
    if (refusal === 'bad_identity') return this.connection.renew();
    if (refusal === 'identity_required') {
      this.identityRequired = true;
      return this.events.onState();
    }
    this.events.onRefused();
  }

  private refused(code: string, ref: string, retryAfterMs?: number): void {
    const pending = this.pending(ref);
    if (pending) {
      if (code === 'unavailable' || code === 'rate_limited') {
        // Nothing was stored: try the same message again a little later (when the server
        // says it may succeed, for a rate limit), still shown as sending.
        const wait = code === 'rate_limited' ? Math.max(retryAfterMs || 0, 1000) : RETRY_UNAVAILABLE_MS;
        window.setTimeout(() => this.transmit(pending), wait);
        return;
      }
      if (pending.leave) {
        // The form comes back with what the visitor wrote, to correct and send again.
        this.store.remove(ref);
        this.saveOutbox();
        this.events.onChange();
        this.events.onLeaveFailed(pending);
        return this.events.onState();
      }
      this.store.fail(ref);
      this.saveOutbox();
      return this.events.onChange();
    }
    if (ref === 'sync') this.syncing.clear();
  }

  private agentTyping(kind: string, id: number, name: string, active: boolean): void {
    if (kind === 'visitor') return; // another tab of this visitor
    const current = this.agentsTyping.get(id);
    if (current) window.clearTimeout(current.timer);
    if (!active && !current) return;
    if (active) {
      // If the "stopped" frame is lost the indicator must not stay forever.
      const timer = window.setTimeout(() => this.agentTyping(kind, id, name, false), AGENT_TYPING_EXPIRY_MS);
      this.agentsTyping.set(id, { name, timer });
    } else {
      this.agentsTyping.delete(id);
    }
    this.events.onTyping([...this.agentsTyping.values()].map((a) => a.name));
  }

  private sendTyping(active: boolean): void {
    this.typingActive = active;
    this.typingSentAt = Date.now();
    if (this.conversationId !== null) {
      this.connection.send({ type: 'typing', conversation_id: this.conversationId, active });
    }
  }

  private stopTyping(): void {
    window.clearTimeout(this.typingTimer);
    if (this.typingActive) this.sendTyping(false);
  }

  private sendControl(frame: ClientFrame): void {
    if (this.welcomed) this.connection.send(frame);
    else this.controlQueue.push(frame);
  }

  private loadOutbox(): PendingMessage[] {
    try {
      const saved = JSON.parse(this.options.storage.get('outbox') || '[]');
      return Array.isArray(saved)
        ? saved.filter(
            (p) =>
              p &&
              typeof p.client_id === 'string' &&
              typeof p.body === 'string' &&
              typeof p.created_at === 'number' &&
              // A file's bytes stayed in the page that chose it: only an uploaded one can go on.
              (!p.file || (p.file.stored && typeof p.file.stored.id === 'string')),
          )
        : [];
    } catch {
      return [];
    }
  }

  private saveOutbox(): void {
    const pending = this.store.pendingMessages();
    this.options.storage.set('outbox', pending.length ? JSON.stringify(pending) : null);
  }
}
