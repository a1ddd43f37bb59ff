// The messages the widget knows, de-duplicated by (conversation, seq), plus the visitor's
// own messages that the server has not acknowledged yet (by client_id), and both sides'
// read marks. The view is drawn from `list()`.
import type { FileInfo, UploadProblem } from '../../shared/uploads';
import { Author, Message, ReadMark } from './protocol';

export type Delivery = 'sending' | 'sent' | 'read' | 'failed';

export interface ChatItem {
  /** Stable across the item's life (sending → sent), used to reuse its DOM element. */
  key: string;
  own: boolean;
  author: Author;
  body: string;
  createdAt: number;
  conversationId: number | null;
  seq: number | null;
  clientId?: string;
  failed?: boolean;
  /** Why its file was not sent, when the upload failed. */
  problem?: UploadProblem;
  /** The server's size limit, when it refused the file as too large. */
  maxBytes?: number;
  attachments: FileInfo[];
  /** While not yet acknowledged: what the outbox keeps and resends. */
  out?: PendingMessage;
}

export interface PendingMessage {
  client_id: string;
  body: string;
  created_at: number;
  /** The team chosen in the pre-chat form, for the message that starts a conversation. */
  team_id?: number;
  /** Left with the offline form (`leave_message`) rather than sent to a chat. */
  leave?: { name: string; email: string };
  /** A file to send with the message: uploaded first (`key` makes a retry the same upload). */
  file?: PendingFile;
}

export interface PendingFile {
  name: string;
  size: number;
  key: string;
  /** What the server stored, once uploaded: then only the message is left to send. */
  stored?: FileInfo;
}

function seqKey(conversationId: number, seq: number): string {
  return `${conversationId}:${seq}`;
}

export class MessageStore {
  private items = new Map<string, ChatItem>();
  private bySeq = new Map<string, ChatItem>();
  private pending = new Map<string, ChatItem>();
  private agentReadSeq = new Map<number, number>();
  private visitorReadSeq = new Map<number, number>();
  /** Per conversation, the highest seq up to which nothing is missing. */
  private contiguous = new Map<number, number>();

  /** Adds a message from the server; returns the item when it is new to the store. */
  addMessage(message: Message): ChatItem | null {
    const key = seqKey(message.conversation_id, message.seq);
    if (this.bySeq.has(key)) return null;
    const own = message.author.kind === 'visitor';
    let item = own && message.client_id ? this.pending.get(message.client_id) : undefined;
    if (item) {
      this.pending.delete(item.clientId!);
      item.createdAt = message.created_at;
    } else {
      item = {
        key: own && message.client_id ? `c:${message.client_id}` : `s:${key}`,
        own,
        author: message.author,
        body: message.body,
        createdAt: message.created_at,
        conversationId: null,
        seq: null,
        clientId: message.client_id,
        attachments: [],
      };
      this.items.set(item.key, item);
    }
    item.author = message.author;
    item.attachments = Array.isArray(message.attachments) ? message.attachments : [];
    this.place(item, message.conversation_id, message.seq);
    return item;
  }

  /** A message the visitor has just written (or one restored from a previous page). */
  addPending(message: PendingMessage): ChatItem {
    const item: ChatItem = {
      key: `c:${message.client_id}`,
      own: true,
      author: { kind: 'visitor', id: 0 },
      body: message.body,
      createdAt: message.created_at,
      conversationId: null,
      seq: null,
      clientId: message.client_id,
      attachments: [],
      out: message,
    };
    this.items.set(item.key, item);
    this.pending.set(message.client_id, item);
    return item;
  }

  /** Forgets a pending message altogether (the visitor will write it again). */
  remove(clientId: string): PendingMessage | undefined {
    const item = this.pending.get(clientId);
    if (!item) return undefined;
    this.pending.delete(clientId);
    this.items.delete(item.key);
    return item.out;
  }

  /** The server stored a pending message; returns it unless it was already known. */
  acknowledge(clientId: string, conversationId: number, seq: number, createdAt: number): ChatItem | null {
    const item = this.pending.get(clientId);
    if (!item) return null;
    this.pending.delete(clientId);
    const known = this.bySeq.get(seqKey(conversationId, seq));
    if (known) {
      // Another tab already told us about it: keep one copy.
      this.items.delete(item.key);
      return null;
    }
    item.createdAt = createdAt;
    item.failed = false;
    if (item.out && item.out.file && item.out.file.stored) item.attachments = [item.out.file.stored];
    this.place(item, conversationId, seq);
    return item;
  }

  /** The server refused a pending message for good (or its file, with the reason). */
  fail(clientId: string, problem?: UploadProblem, maxBytes?: number): void {
    const item = this.pending.get(clientId);
    if (!item) return;
    this.pending.delete(clientId);
    item.failed = true;
    item.problem = problem;
    item.maxBytes = maxBytes;
  }

  /** A failed message goes back to the outbox, to be tried again. */
  retry(key: string): PendingMessage | undefined {
    const item = this.items.get(key);
    if (!item || !item.failed || !item.out) return undefined;
    item.failed = false;
    item.problem = undefined;
    this.pending.set(item.out.client_id, item);
    return item.out;
  }

  pendingMessages(): PendingMessage[] {
    return [...this.pending.values()].map((i) => i.out!);
  }

  setReadMarks(conversationId: number, marks: ReadMark[]): void {
    for (const mark of marks) this.markRead(conversationId, mark.reader.kind, mark.seq);
  }

  /** Read marks only rise. */
  markRead(conversationId: number, readerKind: string, seq: number): void {
    const marks = readerKind === 'visitor' ? this.visitorReadSeq : this.agentReadSeq;
    if ((marks.get(conversationId) || 0) < seq) marks.set(conversationId, seq);
  }

  visitorRead(conversationId: number): number {
    return this.visitorReadSeq.get(conversationId) || 0;
  }

  /** Highest seq of a conversation with no gap below it: where a resync starts. */
  lastSeq(conversationId: number): number {
    return this.contiguous.get(conversationId) || 0;
  }

  /** Agent messages of the conversation after the visitor's read mark. */
  unreadCount(conversationId: number | null): number {
    if (conversationId === null) return 0;
    const readUpTo = this.visitorRead(conversationId);
    let count = 0;
    for (const item of this.bySeq.values()) {
      if (item.conversationId === conversationId && !item.own && item.seq! > readUpTo) count += 1;
    }
    return count;
  }

  delivery(item: ChatItem): Delivery | undefined {
    if (!item.own) return undefined;
    if (item.failed) return 'failed';
    if (item.seq === null || item.conversationId === null) return 'sending';
    return item.seq <= (this.agentReadSeq.get(item.conversationId) || 0) ? 'read' : 'sent';
  }

  /** Stored messages by conversation and seq, then the pending ones in the order written. */
  list(): ChatItem[] {
    const stored = [...this.bySeq.values()].sort(
      (a, b) => a.conversationId! - b.conversationId! || a.seq! - b.seq!,
    );
    const unstored = [...this.items.values()].filter((i) => i.seq === null);
    return stored.concat(unstored);
  }

  private place(item: ChatItem, conversationId: number, seq: number): void {
    item.conversationId = conversationId;
    item.seq = seq;
    this.bySeq.set(seqKey(conversationId, seq), item);
    let upTo = this.contiguous.get(conversationId) || 0;
    while (this.bySeq.has(seqKey(conversationId, upTo + 1))) upTo += 1;
    this.contiguous.set(conversationId, upTo);
  }
}
