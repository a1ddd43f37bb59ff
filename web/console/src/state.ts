// The console's state and the pure functions that fold server data into it.
import type { ConnectionState } from './realtime';
import type { Language, MessageKey } from './i18n';
import type { Page, Route } from './route';
import type {
  Agent, Availability, CannedResponse, Contact, Conversation, ConversationStatus, FileInfo, Id, Message, Note, PageView, QueueRow,
  ReadMark, Team, Workspace, WorkspaceMembership,
} from './types';

export type { Page };
/**
 * queue: chats waiting for an agent (GET /queue); the others filter by assignee. me_or_none,
 * the first, shows the chats routing gives me beside those nobody has.
 */
export type AssigneeTab = 'queue' | 'me_or_none' | 'none' | 'me' | 'all';
/** How many conversations of the inbox's status each assignee tab holds (GET /conversations/counts). */
export type TabCounts = Record<Exclude<AssigneeTab, 'queue'>, number>;

export interface Settings {
  language: Language;
  desktopNotifications: boolean;
  sound: boolean;
}

/** A message this tab sent that the server has not acknowledged yet. */
export interface PendingSend {
  clientId: string;
  body: string;
  createdAt: number;
  /** The server's error code when it refused the message (or its file); null while still trying. */
  failed: string | null;
  /** A file sent as this message: uploaded first, then sent with its id. */
  file?: PendingFile;
}

export interface PendingFile {
  name: string;
  size: number;
  /** The upload's Idempotency-Key, the same on a retry. */
  key: string;
  /** How much is up (0..1) while uploading. */
  progress: number;
  /** The size limit it went over, when it was refused as too large. */
  maxBytes?: number;
  /** What the server stored, once uploaded. */
  stored?: FileInfo;
}

/** A message to show and mark: a search's match, with the words the search marked in it. */
export interface Focus {
  seq: number;
  words: string[];
}

export interface Thread {
  /** Acknowledged messages, ascending by seq, each seq once, with no gaps. */
  messages: Message[];
  pending: PendingSend[];
  hasEarlier: boolean;
  /** Opened at an older message: newer ones, live ones too, wait on the server for Load later. */
  hasLater: boolean;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  loadingEarlier: boolean;
  loadingLater: boolean;
  focus: Focus | null;
}

export interface OpenChat {
  id: Id;
  /** Past conversations opened from the visitor panel: no composer, no actions. */
  readOnly: boolean;
}

export interface ContactHistory {
  conversations: Conversation[];
  pageViews: PageView[];
}

export interface ReadState {
  mine: number;
  visitor: number;
}

export interface Typing {
  kind: 'visitor' | 'agent';
  name: string;
  until: number;
}

export interface InboxState {
  tab: AssigneeTab;
  status: ConversationStatus;
  /** Only conversations whose visitor left before any answer. */
  missed: boolean;
  /** undefined: first page not loaded yet; null: nothing more to load. */
  cursor: string | null | undefined;
  loading: boolean;
  error: string | null;
}

export interface QueueState {
  /** Waiting chats by position (1 = next); null until first loaded. */
  items: QueueRow[] | null;
  loading: boolean;
  error: string | null;
}

export interface State {
  boot: 'starting' | 'login' | 'app';
  loginNotice: MessageKey | null;
  me: Agent | null;
  workspace: Workspace | null;
  /** The workspaces the person works in (the switcher); empty until loaded. */
  workspaces: WorkspaceMembership[];
  /** Whether I may create a workspace (an admin, where the server lets admins). */
  mayCreateWorkspaces: boolean;
  connection: ConnectionState;
  page: Page;
  /** What the page shows (route.ts): its query string (a search, the contacts' filter), or the contact's id. */
  pageArg: string;
  settings: Settings;
  inbox: InboxState;
  conversations: Record<Id, Conversation>;
  contacts: Record<Id, Contact>;
  contactHistory: Record<Id, ContactHistory>;
  readMarks: Record<Id, ReadState>;
  threads: Record<Id, Thread>;
  open: OpenChat[];
  activeId: Id | null;
  drafts: Record<Id, string>;
  typing: Record<Id, Typing>;
  agents: Agent[];
  /** The workspace's saved replies, for the /shortcut picker. */
  canned: CannedResponse[];
  /** The workspace's teams (names on rows, transfer targets). */
  teams: Team[];
  /** Internal notes of the open conversations, oldest first. */
  notes: Record<Id, Note[]>;
  queue: QueueState;
  /** The assignee tabs' counts for the inbox's status; null until loaded. */
  tabCounts: TabCounts | null;
  /** My own availability for new chats, as the server last said. */
  availability: Availability;
  /** A short-lived error to show (a failed action). */
  notice: string | null;
}

export function initialState(settings: Settings, { page, pageArg }: Route): State {
  return {
    boot: 'starting',
    loginNotice: null,
    me: null,
    workspace: null,
    workspaces: [],
    mayCreateWorkspaces: false,
    connection: 'connecting',
    page,
    pageArg,
    settings,
    inbox: { tab: 'me_or_none', status: 'open', missed: false, cursor: undefined, loading: false, error: null },
    conversations: {},
    contacts: {},
    contactHistory: {},
    readMarks: {},
    threads: {},
    open: [],
    activeId: null,
    drafts: {},
    typing: {},
    agents: [],
    availability: 'offline',
    canned: [],
    teams: [],
    notes: {},
    queue: { items: null, loading: false, error: null },
    tabCounts: null,
    notice: null,
  };
}

export function emptyThread(): Thread {
  return {
    messages: [], pending: [], hasEarlier: false, hasLater: false, status: 'loading', error: null,
    loadingEarlier: false, loadingLater: false, focus: null,
  };
}

/**
 * The thread's messages with live ones (events, acks, syncs) added, unless it shows an older
 * window: appended there they would leave a gap, and Load later fetches them in order.
 */
export function withLive(thread: Thread, incoming: Message[]): Message[] {
  return thread.hasLater ? thread.messages : mergeMessages(thread.messages, incoming);
}

/** Adds messages not yet known (by seq) and keeps the order; returns `existing` when nothing is new. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const last = existing[existing.length - 1];
  if (incoming.length === 1 && (!last || incoming[0].seq > last.seq)) return [...existing, incoming[0]];
  const bySeq = new Map(existing.map((m) => [m.seq, m]));
  let added = false;
  for (const message of incoming) {
    if (!bySeq.has(message.seq)) {
      bySeq.set(message.seq, message);
      added = true;
    }
  }
  return added ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : existing;
}

export function lastSeq(thread: Thread | undefined): number {
  const messages = thread?.messages ?? [];
  return messages.length ? messages[messages.length - 1].seq : 0;
}

/**
 * Two copies of a conversation from different moments (a REST answer, an event): the status
 * and assignee of the newer one, the latest message of whichever saw more messages.
 */
export function mergeConversation(old: Conversation | undefined, incoming: Conversation): Conversation {
  if (!old) return incoming;
  const base = incoming.updated_at >= old.updated_at ? incoming : old;
  const latest = incoming.last_seq >= old.last_seq ? incoming : old;
  return {
    ...base,
    last_seq: latest.last_seq,
    last_message_preview: latest.last_message_preview,
    last_message_at: latest.last_message_at,
    updated_at: Math.max(old.updated_at, incoming.updated_at),
    // These happen once: whichever copy has seen them.
    first_assigned_at: base.first_assigned_at ?? old.first_assigned_at ?? incoming.first_assigned_at ?? null,
    first_response_at: base.first_response_at ?? old.first_response_at ?? incoming.first_response_at ?? null,
  };
}

/** The conversation's summary after a message (the server sends no conversation event for it). */
export function withMessage(conversation: Conversation, message: Message): Conversation {
  if (message.seq <= conversation.last_seq) return conversation;
  // An agent's first message is the first response (no conversation event says so).
  const firstResponse = conversation.first_response_at ?? (message.author.kind === 'agent' ? message.created_at : null);
  return {
    ...conversation,
    first_response_at: firstResponse,
    last_seq: message.seq,
    last_message_preview: message.body.slice(0, 200),
    last_message_at: Math.max(conversation.last_message_at, message.created_at),
    updated_at: Math.max(conversation.updated_at, message.created_at),
  };
}

/** Read marks only rise. */
export function withReadMarks(current: ReadState | undefined, marks: ReadMark[], myId: Id | undefined): ReadState {
  let { mine, visitor } = current ?? { mine: 0, visitor: 0 };
  for (const mark of marks) {
    if (mark.reader.kind === 'visitor') visitor = Math.max(visitor, mark.seq);
    else if (mark.reader.id === myId) mine = Math.max(mine, mark.seq);
  }
  return current && current.mine === mine && current.visitor === visitor ? current : { mine, visitor };
}

/** Messages after my own read mark; unknown (undefined) until the mark was loaded. */
export function unreadCount(conversation: Conversation, marks: ReadState | undefined): number | undefined {
  if (!marks) return undefined;
  return Math.max(0, conversation.last_seq - marks.mine);
}

/** Newest activity first, as the server orders its list. */
export function byActivity(a: Conversation, b: Conversation): number {
  return b.updated_at - a.updated_at || b.id - a.id;
}

/** Adds notes not yet known (by id), oldest first. */
export function mergeNotes(existing: Note[] | undefined, incoming: Note[]): Note[] {
  const byId = new Map((existing ?? []).map((n) => [n.id, n]));
  for (const note of incoming) byId.set(note.id, note);
  return [...byId.values()].sort((a, b) => a.created_at - b.created_at || a.id - b.id);
}

/** Missed and nobody has answered since: what the inbox flags. */
export function needsAnswer(conversation: Conversation): boolean {
  return !!conversation.missed && conversation.first_response_at == null && !conversation.answered_after_missed;
}

export function matchesInbox(conversation: Conversation, inbox: InboxState, myId: Id | undefined): boolean {
  if (conversation.status !== inbox.status) return false;
  if (inbox.missed && !conversation.missed) return false;
  if (inbox.tab === 'queue') return false; // the queue has its own list
  if (inbox.tab === 'none') return conversation.assignee_id === null;
  if (inbox.tab === 'me_or_none') return conversation.assignee_id === null || conversation.assignee_id === myId;
  if (inbox.tab === 'me') return conversation.assignee_id === myId;
  return true;
}
