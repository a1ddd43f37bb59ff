// The console's behaviour: it owns the store, the REST client and the WebSocket, turns user
// actions into requests and frames, and folds whatever the server says back into the state.
// Components read the state and call the methods here; they never talk to the server.
import { newUploadKey, UploadError } from '../../shared/uploads';
import { ApiClient, ApiError, NetworkError, type ContactPatch, type TransferTarget } from './api';
import { detectLanguage, isLanguage, translator, type MessageKey, type Translate } from './i18n';
import { contactName } from './names';
import { beep, showNotification } from './notify';
import { RealtimeClient } from './realtime';
import { parseRoute } from './route';
import {
  emptyThread, initialState, lastSeq, mergeConversation, mergeMessages, mergeNotes, withLive, withMessage, withReadMarks,
  type AssigneeTab, type Focus, type OpenChat, type PendingFile, type PendingSend, type Settings, type State, type Thread,
} from './state';
import { KEYS, persistent, tabStorage } from './storage';
import { Store } from './store';
import type {
  Agent, Availability, ContactRef, Conversation, ConversationStatus, Id, InboxRow, Message, Note, ServerFrame, Team,
  UploadLimits, Workspace, WorkspaceMembership,
} from './types';

const INBOX_PAGE_SIZE = 30;
const HISTORY_PAGE_SIZE = 50;
// Opened at a message: this many up to it and after it.
const AROUND_PAGE_SIZE = 25;
const DETAIL_CONCURRENCY = 6;
// Typing: tell the visitor at most every 3 s while keys are pressed, and that we stopped
// after 5 s without any.
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 5000;
// Shown typing indicators fade out on their own if the "stopped" frame never comes.
const TYPING_SHOWN_MS = 8000;
const NOTICE_MS = 6000;
// Conversation events come in bursts (a transfer, routing): one queue reload per burst.
const QUEUE_REFRESH_MS = 300;
// One alert per conversation for a burst of events (created, then routed to me).
const ALERT_QUIET_MS = 3000;

function loadSettings(): Settings {
  const saved = persistent.get<Partial<Settings>>(KEYS.settings) ?? {};
  return {
    language: isLanguage(saved.language) ? saved.language : detectLanguage(),
    desktopNotifications: saved.desktopNotifications ?? true,
    sound: saved.sound ?? true,
  };
}

/**
 * A client_id for `send`: unique, so a retry after a reconnect is recognised as the same
 * message. It begins with the time, in a fixed width that sorts as it counts, so that the
 * server's idempotency index grows at its end instead of at a random page per message.
 */
function newClientId(): string {
  const time = Date.now().toString(36).padStart(9, '0');
  if (typeof crypto.randomUUID === 'function') return `c-${time}-${crypto.randomUUID()}`;
  // randomUUID needs a secure context; a console on plain http (a LAN address) still has this.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `c-${time}-` + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ConsoleController {
  readonly store: Store<State>;
  readonly api: ApiClient;
  private realtime: RealtimeClient | null = null;
  private token: string | null = null;
  private detailsRequested = new Set<Id>();
  private contactsRequested = new Set<Id>();
  private typingSentAt = new Map<Id, number>();
  /** The bytes of files not uploaded yet, by client_id (they cannot outlive the page). */
  private uploads = new Map<string, File>();
  private uploading = new Set<string>();
  /** The server's limits for attachments, from the welcome (null: it said none). */
  private uploadLimits: UploadLimits | null = null;
  private typingIdleTimers = new Map<Id, ReturnType<typeof setTimeout>>();
  private typingSweep: ReturnType<typeof setInterval> | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private inboxRequest = 0;
  private countsRequest = 0;
  private queueRequest = 0;
  private queueTimer: ReturnType<typeof setTimeout> | undefined;
  private notesRequested = new Set<Id>();
  /** Conversations I am assigning to myself now: their assignment is no news to me. */
  private selfAssigning = new Set<Id>();
  private alertedAt = new Map<Id, number>();
  private sessionGeneration = 0;
  /** The latest history load of each thread: an answer to an earlier one is not wanted. */
  private historyLoads = new Map<Id, number>();

  constructor() {
    this.store = new Store(initialState(loadSettings(), parseRoute(location.hash)));
    this.api = new ApiClient(() => this.token, () => this.endSession('sessionEnded'));
    window.addEventListener('hashchange', () => {
      this.store.set(parseRoute(location.hash));
      this.markActiveRead();
    });
    document.addEventListener('visibilitychange', () => this.markActiveRead());
    window.addEventListener('focus', () => this.markActiveRead());
  }

  get state(): State {
    return this.store.get();
  }

  get t(): Translate {
    return translator(this.state.settings.language);
  }

  // ---------------------------------------------------------------------------------------
  // Session

  /** At page load: resume the stored session, or show the login form. */
  async start(): Promise<void> {
    const token = persistent.get<string>(KEYS.token);
    if (!token) {
      this.store.set({ boot: 'login' });
      return;
    }
    this.token = token;
    const generation = this.sessionGeneration;
    for (let attempt = 0; ; attempt++) {
      try {
        const me = await this.api.me();
        if (generation !== this.sessionGeneration) return;
        this.enterApp(me.agent);
        this.showWorkspace(me.workspace, me.may_create_workspaces);
        return;
      } catch (err) {
        // A 401 already ended the session; the server being down is worth waiting for.
        if (!(err instanceof NetworkError) || generation !== this.sessionGeneration) return;
        await new Promise((r) => setTimeout(r, Math.min(10000, 1000 * 2 ** attempt)));
      }
    }
  }

  /** Resolves null on success, else the message key of what went wrong. */
  async login(email: string, password: string): Promise<{ key: MessageKey; detail?: string } | null> {
    try {
      const session = await this.api.login(email, password, persistent.get<Id>(KEYS.workspace));
      this.token = session.token;
      persistent.set(KEYS.token, session.token);
      this.enterApp(session.agent);
      void this.api.me().then((me) => this.showWorkspace(me.workspace, me.may_create_workspaces), () => {});
      return null;
    } catch (err) {
      // 400 is a malformed email or a too short password: to the person, also just wrong.
      if (err instanceof ApiError && (err.status === 401 || err.status === 400)) return { key: 'errorCredentials' };
      if (err instanceof NetworkError) return { key: 'errorNetwork' };
      return { key: 'errorGeneric', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async logout(): Promise<void> {
    // Stop the socket first: the server closes it with 4001 on logout, which would
    // otherwise read as "your session ended".
    this.realtime?.stop();
    this.realtime = null;
    try { await this.api.logout(); } catch { /* the session is dropped here either way */ }
    this.endSession(null);
  }

  private showWorkspace(workspace: Workspace, mayCreate = false): void {
    this.store.set({ workspace, mayCreateWorkspaces: mayCreate });
    persistent.set(KEYS.workspace, workspace.id);
  }

  /** The workspaces the person works in, for the switcher; on failure it keeps what it had. */
  async loadWorkspaces(): Promise<void> {
    try {
      const { items } = await this.api.myWorkspaces();
      this.store.set({ workspaces: items });
    } catch { /* the switcher shows the current workspace only */ }
  }

  /** A new workspace with me as its admin; rejects with the server's error. */
  async createWorkspace(name: string): Promise<WorkspaceMembership> {
    const made = await this.api.createWorkspace(name);
    await this.loadWorkspaces();
    return made;
  }

  /**
   * Moves this browser to another of the person's workspaces: a session there replaces
   * this one, and the page starts afresh in it (every list, socket and draft is per
   * workspace). Rejects, changing nothing, when the server refuses.
   */
  async switchWorkspace(id: Id): Promise<void> {
    const session = await this.api.switchWorkspace(id);
    this.realtime?.stop();
    this.realtime = null;
    try { await this.api.logout(); } catch { /* it expires by itself */ }
    this.token = session.token;
    persistent.set(KEYS.token, session.token);
    persistent.set(KEYS.workspace, id);
    tabStorage.set(KEYS.drafts, null);
    tabStorage.set(KEYS.openChats, null);
    window.location.hash = '#/inbox';
    window.location.reload();
  }

  /** Back to the login form; `notice` says why when the server ended the session. */
  endSession(notice: MessageKey | null): void {
    if (this.state.boot === 'login' && !this.token) return;
    // Another tab of this browser switched workspace (or logged in again): follow it.
    const stored = persistent.get<string>(KEYS.token);
    if (notice === 'sessionEnded' && stored && stored !== this.token) {
      window.location.reload();
      return;
    }
    this.sessionGeneration++;
    this.realtime?.stop();
    this.realtime = null;
    this.token = null;
    persistent.set(KEYS.token, null);
    // Drafts and open chats belong to this agent; the next one at this browser must not see them.
    tabStorage.set(KEYS.drafts, null);
    tabStorage.set(KEYS.openChats, null);
    this.detailsRequested.clear();
    this.contactsRequested.clear();
    this.notesRequested.clear();
    clearTimeout(this.queueTimer);
    this.queueTimer = undefined;
    this.typingSentAt.clear();
    this.typingIdleTimers.forEach((timer) => clearTimeout(timer));
    this.typingIdleTimers.clear();
    const { settings, page, pageArg } = this.state;
    this.store.set({ ...initialState(settings, { page, pageArg }), boot: 'login', loginNotice: notice });
  }

  private enterApp(agent: Agent): void {
    const saved = tabStorage.get<{ open: OpenChat[]; activeId: Id | null }>(KEYS.openChats);
    this.store.set({
      boot: 'app',
      loginNotice: null,
      me: agent,
      agents: [agent],
      drafts: tabStorage.get<Record<Id, string>>(KEYS.drafts) ?? {},
    });
    const token = this.token!;
    this.realtime = new RealtimeClient(token, {
      onWelcome: (welcome, resumed) => {
        if (welcome.availability) this.store.set({ availability: welcome.availability });
        this.uploadLimits = welcome.uploads ?? null;
        this.onWelcome(welcome.agent, welcome.workspace, resumed);
      },
      onFrame: (frame) => this.onFrame(frame),
      onState: (connection) => this.store.set({ connection }),
      onSessionEnded: () => this.endSession('sessionEnded'),
    });
    this.realtime.start();
    void this.loadInbox();
    void this.loadAgents();
    void this.loadCanned();
    void this.loadTeams();
    void this.loadWorkspaces();
    for (const chat of saved?.open ?? []) this.openConversation(chat.id, { readOnly: chat.readOnly, activate: false });
    if (saved?.activeId) this.activate(saved.activeId);
  }

  private onWelcome(agent: Agent, workspace: State['workspace'], resumed: boolean): void {
    this.store.set((s) => ({ me: agent, workspace, agents: s.agents.map((a) => (a.id === agent.id ? agent : a)) }));
    // Whatever happened while the socket was down (or before it first came up): messages of
    // the open conversations, unacknowledged sends, and the inbox.
    for (const [id, thread] of Object.entries(this.state.threads)) {
      if (thread.status === 'ready') this.sync(Number(id));
      for (const pending of thread.pending) {
        if (!pending.failed) this.transmit(Number(id), pending);
      }
    }
    // The list loaded at login may predate this socket's subscription: load it again so
    // nothing that arrived in between is missing.
    void this.loadInbox();
    void this.loadQueue();
    void this.loadTabCounts();
    if (resumed) {
      void this.loadTeams();
      void this.loadCanned();
      // Notes written while the socket was down.
      for (const chat of this.state.open) void this.loadNotes(chat.id, { force: true });
      this.markActiveRead();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Settings and navigation

  updateSettings(patch: Partial<Settings>): void {
    const settings = { ...this.state.settings, ...patch };
    persistent.set(KEYS.settings, settings);
    this.store.set({ settings });
  }

  /** Another address for the page shown (a filter typed into it), without a step in the history. */
  replaceRoute(hash: string): void {
    history.replaceState(history.state, '', hash);
    this.store.set(parseRoute(hash));
  }

  showNotice(text: string): void {
    clearTimeout(this.noticeTimer);
    this.store.set({ notice: text });
    this.noticeTimer = setTimeout(() => this.store.set({ notice: null }), NOTICE_MS);
  }

  dismissNotice(): void {
    clearTimeout(this.noticeTimer);
    this.store.set({ notice: null });
  }

  private failed(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) return; // already back at the login form
    const message = err instanceof NetworkError ? this.t('errorNetwork') : err instanceof Error ? err.message : String(err);
    this.showNotice(this.t('actionFailed', { message }));
  }

  // ---------------------------------------------------------------------------------------
  // Inbox

  setInboxTab(tab: AssigneeTab): void {
    if (tab === this.state.inbox.tab) return;
    this.store.set((s) => ({ inbox: { ...s.inbox, tab, cursor: undefined, error: null } }));
    void this.loadInbox();
  }

  setInboxMissed(missed: boolean): void {
    if (missed === this.state.inbox.missed) return;
    this.store.set((s) => ({ inbox: { ...s.inbox, missed, cursor: undefined, error: null } }));
    void this.loadInbox();
  }

  setInboxStatus(status: ConversationStatus): void {
    if (status === this.state.inbox.status) return;
    this.store.set((s) => ({ inbox: { ...s.inbox, status, cursor: undefined, error: null }, tabCounts: null }));
    void this.loadInbox();
    void this.loadTabCounts();
  }

  /**
   * The first page of the current filter, or with `more` the next one. Rows bring their
   * read marks too, so a reload after a reconnect brings them up to date.
   */
  async loadInbox({ more = false } = {}): Promise<void> {
    const { inbox } = this.state;
    if (inbox.tab === 'queue') {
      this.inboxRequest++; // a list still loading for another tab is no longer wanted
      this.store.set((s) => ({ inbox: { ...s.inbox, loading: false, cursor: null } }));
      return this.loadQueue();
    }
    if (more && !inbox.cursor) return;
    const request = ++this.inboxRequest;
    this.store.set((s) => ({ inbox: { ...s.inbox, loading: true, error: null } }));
    try {
      const page = await this.api.listConversations({
        status: inbox.status,
        assignee: inbox.tab === 'all' ? undefined : inbox.tab,
        missed: inbox.missed || undefined,
        limit: INBOX_PAGE_SIZE,
        cursor: more ? inbox.cursor : undefined,
      });
      if (request !== this.inboxRequest) return; // the filter changed meanwhile
      this.mergeConversations(page.items);
      this.mergeInboxRows(page.items);
      this.store.set((s) => ({ inbox: { ...s.inbox, loading: false, cursor: page.next_cursor } }));
    } catch (err) {
      if (request !== this.inboxRequest) return;
      const message = err instanceof NetworkError ? this.t('errorNetwork') : err instanceof Error ? err.message : String(err);
      this.store.set((s) => ({ inbox: { ...s.inbox, loading: false, error: message } }));
    }
  }

  /** The assignee tabs' counts for the inbox's status; the newest answer wins. */
  async loadTabCounts(): Promise<void> {
    const request = ++this.countsRequest;
    try {
      const counts = await this.api.conversationCounts(this.state.inbox.status);
      if (request === this.countsRequest) this.store.set({ tabCounts: counts });
    } catch {
      // The counts are a hint: the next event or reconnect tries again.
    }
  }

  /** GET /queue: the open chats waiting for an agent, by position. */
  async loadQueue(): Promise<void> {
    const request = ++this.queueRequest;
    this.store.set((s) => ({ queue: { ...s.queue, loading: true, error: null } }));
    try {
      const { items } = await this.api.queue();
      if (request !== this.queueRequest) return;
      this.mergeConversations(items);
      this.mergeContactsOf(items);
      this.store.set({ queue: { items, loading: false, error: null } });
    } catch (err) {
      if (request !== this.queueRequest) return;
      const message = err instanceof NetworkError ? this.t('errorNetwork') : err instanceof Error ? err.message : String(err);
      this.store.set((s) => ({ queue: { ...s.queue, loading: false, error: message } }));
    }
  }

  /**
   * The queue changes with every conversation event (taken, routed, transferred, new): one
   * reload shortly after the first event of a burst, however long the burst goes on.
   */
  private refreshQueueSoon(): void {
    if (this.queueTimer !== undefined) return;
    this.queueTimer = setTimeout(() => {
      this.queueTimer = undefined;
      void this.loadQueue();
      void this.loadTabCounts(); // the same events move chats between the tabs
    }, QUEUE_REFRESH_MS);
  }

  /** Takes a waiting chat: assigned to me and opened. */
  async take(id: Id): Promise<void> {
    const me = this.state.me;
    if (!me) return;
    // Someone was quicker (their assignment reached us as an event): do not take it from them.
    const assignee = this.state.conversations[id]?.assignee_id;
    if (assignee != null && assignee !== me.id) {
      const name = this.state.agents.find((a) => a.id === assignee)?.name ?? this.t('agentFallback');
      this.showNotice(this.t('alreadyTaken', { name }));
      void this.loadQueue();
      return;
    }
    this.selfAssigning.add(id);
    try {
      const { conversation } = await this.api.take(id);
      this.mergeConversations([conversation]);
      this.store.set((s) => ({
        queue: { ...s.queue, items: s.queue.items?.filter((row) => row.id !== id) ?? null },
      }));
      this.openConversation(id);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'conflict') {
        // Taken between our last look and the click: say by whom.
        const { conversation } = await this.api.conversation(id).catch(() => ({ conversation: undefined }));
        const name = this.state.agents.find((a) => a.id === conversation?.assignee_id)?.name ?? this.t('agentFallback');
        this.showNotice(this.t('alreadyTaken', { name }));
      } else {
        this.failed(err);
      }
    } finally {
      this.selfAssigning.delete(id);
    }
    this.refreshQueueSoon();
  }

  private mergeContactsOf(rows: { site_id: Id; contact: ContactRef }[]): void {
    this.store.set((s) => {
      const contacts = { ...s.contacts };
      for (const row of rows) {
        const known = contacts[row.contact.id];
        contacts[row.contact.id] = known
          ? { ...known, name: row.contact.name, email: row.contact.email }
          : { id: row.contact.id, site_id: row.site_id, name: row.contact.name, email: row.contact.email,
              attributes: {}, first_seen: 0, last_seen: 0, visits: 0 };
      }
      return { contacts };
    });
  }

  /** The list carries each row's contact name and my read mark: no request per row. */
  private mergeInboxRows(rows: InboxRow[]): void {
    const myId = this.state.me?.id;
    this.store.set((s) => {
      const contacts = { ...s.contacts };
      const readMarks = { ...s.readMarks };
      for (const row of rows) {
        const known = contacts[row.contact.id];
        contacts[row.contact.id] = known
          ? { ...known, name: row.contact.name, email: row.contact.email }
          : { id: row.contact.id, site_id: row.site_id, name: row.contact.name, email: row.contact.email,
              attributes: {}, first_seen: 0, last_seen: 0, visits: 0 };
        const mark = { reader: { kind: 'agent' as const, id: myId ?? 0 }, seq: row.my_read_seq };
        readMarks[row.id] = withReadMarks(readMarks[row.id], myId === undefined ? [] : [mark], myId);
      }
      return { contacts, readMarks };
    });
  }

  private mergeConversations(items: Conversation[]): void {
    if (items.length === 0) return;
    this.store.set((s) => {
      const conversations = { ...s.conversations };
      for (const item of items) conversations[item.id] = mergeConversation(conversations[item.id], item);
      return { conversations };
    });
  }

  /** GET /conversations/{id} for each id: contact, read marks (a few requests at a time). */
  private loadDetails(ids: Id[], { force = false } = {}): void {
    const queue = ids.filter((id) => force || !this.detailsRequested.has(id));
    queue.forEach((id) => this.detailsRequested.add(id));
    const generation = this.sessionGeneration;
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          const details = await this.api.conversation(id);
          if (generation !== this.sessionGeneration) return;
          const myId = this.state.me?.id;
          this.store.set((s) => ({
            conversations: { ...s.conversations, [id]: mergeConversation(s.conversations[id], details.conversation) },
            contacts: { ...s.contacts, [details.contact.id]: details.contact },
            readMarks: { ...s.readMarks, [id]: withReadMarks(s.readMarks[id], details.read_marks, myId) },
          }));
        } catch {
          this.detailsRequested.delete(id); // try again the next time it is needed
        }
      }
    };
    for (let i = 0; i < Math.min(DETAIL_CONCURRENCY, queue.length); i++) void worker();
  }

  /** Fetches one of the workspace's lists into the state; on failure the state keeps what it had. */
  private async loadList<K extends 'agents' | 'teams' | 'canned'>(key: K, request: () => Promise<{ items: State[K] }>): Promise<void> {
    try {
      const { items } = await request();
      this.store.set({ [key]: items } as Pick<State, K>);
    } catch {
      // Each caller says why it can do without the list.
    }
  }

  private loadAgents(): Promise<void> {
    // Older servers let only admins list agents: the picker then offers just "me".
    return this.loadList('agents', () => this.api.agents());
  }

  loadTeams(): Promise<void> {
    // Without teams there is nothing to show or transfer to.
    return this.loadList('teams', () => this.api.teams());
  }

  /** Admin pages changed the teams (or the saved replies); keep names and pickers current. */
  setTeams(teams: Team[]): void {
    this.store.set({ teams });
  }

  setCanned(): void {
    void this.loadCanned();
  }

  private loadCanned(): Promise<void> {
    // Without saved replies the reply box simply offers none.
    return this.loadList('canned', () => this.api.cannedResponses());
  }

  /** Admin pages changed the agents; keep the picker and author names current. */
  setAgents(agents: Agent[]): void {
    this.store.set({ agents });
  }

  // ---------------------------------------------------------------------------------------
  // Open conversations

  /** `at`: shown at that message, marked (a search's match), else at the newest. */
  openConversation(id: Id, { readOnly = false, activate = true, at }: { readOnly?: boolean; activate?: boolean; at?: Focus } = {}): void {
    this.store.set((s) => {
      const existing = s.open.find((chat) => chat.id === id);
      // Opening from the inbox makes a read-only tab writable; the reverse never happens.
      const open = existing
        ? s.open.map((chat) => (chat.id === id ? { ...chat, readOnly: chat.readOnly && readOnly } : chat))
        : [...s.open, { id, readOnly }];
      return { open, activeId: activate ? id : s.activeId ?? id };
    });
    this.saveOpenChats();
    // Opened from a list (or a notification), an older window gives way to the newest.
    if (at) void this.loadAround(id, at);
    else if (!this.state.threads[id] || this.state.threads[id].hasLater) void this.loadThread(id);
    void this.loadNotes(id);
    this.loadDetails([id]);
    const contactId = this.state.conversations[id]?.contact_id;
    if (contactId) void this.loadContact(contactId);
    if (activate) this.markActiveRead();
  }

  /** A conversation found elsewhere (a search, a contact's page): opened in the inbox, at `at` when given. */
  openInInbox(conversation: Conversation, contact?: ContactRef, at?: Focus): void {
    this.mergeConversations([conversation]);
    if (contact) this.mergeContactsOf([{ site_id: conversation.site_id, contact }]);
    location.hash = '#/inbox';
    this.openConversation(conversation.id, { at });
  }

  activate(id: Id): void {
    if (!this.state.open.some((chat) => chat.id === id)) return;
    this.store.set({ activeId: id });
    this.saveOpenChats();
    const contactId = this.state.conversations[id]?.contact_id;
    if (contactId) void this.loadContact(contactId);
    this.markActiveRead();
  }

  closeTab(id: Id): void {
    this.stopTyping(id);
    this.store.set((s) => {
      const index = s.open.findIndex((chat) => chat.id === id);
      const open = s.open.filter((chat) => chat.id !== id);
      let activeId = s.activeId;
      if (activeId === id) activeId = open[Math.min(index, open.length - 1)]?.id ?? null;
      return { open, activeId };
    });
    this.saveOpenChats();
    this.markActiveRead();
  }

  private saveOpenChats(): void {
    const { open, activeId } = this.state;
    tabStorage.set(KEYS.openChats, { open, activeId });
  }

  private patchThread(id: Id, change: (thread: Thread) => Partial<Thread>): void {
    this.store.set((s) => {
      const thread = s.threads[id] ?? emptyThread();
      return { threads: { ...s.threads, [id]: { ...thread, ...change(thread) } } };
    });
  }

  /** The newest messages; an older window shown before is replaced. */
  private loadThread(id: Id): Promise<void> {
    return this.loadHistory(id, null, async () => {
      const page = await this.api.messages(id, { limit: HISTORY_PAGE_SIZE });
      return { items: page.items, hasEarlier: page.has_more, hasLater: false };
    });
  }

  /** The messages around `focus` (a search's match), which is shown marked. */
  private loadAround(id: Id, focus: Focus): Promise<void> {
    const thread = this.state.threads[id];
    const first = thread?.messages[0]?.seq ?? Infinity;
    if (thread?.status === 'ready' && first <= focus.seq && focus.seq <= lastSeq(thread)) {
      this.patchThread(id, () => ({ focus }));
      return Promise.resolve();
    }
    return this.loadHistory(id, focus, async () => {
      const [upTo, after] = await Promise.all([
        this.api.messages(id, { beforeSeq: focus.seq + 1, limit: AROUND_PAGE_SIZE }),
        this.api.messages(id, { afterSeq: focus.seq, limit: AROUND_PAGE_SIZE }),
      ]);
      return { items: [...upTo.items, ...after.items], hasEarlier: upTo.has_more, hasLater: after.has_more };
    });
  }

  private async loadHistory(
    id: Id, focus: Focus | null, fetch: () => Promise<{ items: Message[]; hasEarlier: boolean; hasLater: boolean }>,
  ): Promise<void> {
    const load = (this.historyLoads.get(id) ?? 0) + 1;
    this.historyLoads.set(id, load);
    // Until the answer, live messages stay out of an older window, or of the one on its way.
    this.patchThread(id, (t) => ({ status: 'loading', error: null, focus, hasLater: t.hasLater || focus !== null }));
    try {
      const got = await fetch();
      if (load !== this.historyLoads.get(id)) return;
      const replacing = this.state.threads[id]!.hasLater;
      this.patchThread(id, (thread) => ({
        // The newest page merges with live messages that came meanwhile; any other replaces.
        messages: replacing ? got.items : mergeMessages(thread.messages, got.items),
        hasEarlier: got.hasEarlier,
        hasLater: got.hasLater,
        loadingEarlier: false,
        loadingLater: false,
        status: 'ready',
      }));
      if (replacing && !got.hasLater) this.sync(id); // live messages left out meanwhile
      const conversation = this.state.conversations[id];
      if (!conversation) {
        this.loadDetails([id], { force: true });
      } else {
        void this.loadContact(conversation.contact_id);
      }
      this.markActiveRead();
    } catch (err) {
      if (load !== this.historyLoads.get(id)) return;
      const message = err instanceof NetworkError ? this.t('errorNetwork') : err instanceof Error ? err.message : String(err);
      this.patchThread(id, () => ({ status: 'error', error: message }));
    }
  }

  retryThread(id: Id): void {
    const focus = this.state.threads[id]?.focus;
    void (focus ? this.loadAround(id, focus) : this.loadThread(id));
  }

  loadEarlier(id: Id): Promise<void> {
    return this.loadPage(id, 'earlier');
  }

  /** The next newer page of an older window; the last one joins the live messages. */
  loadLater(id: Id): Promise<void> {
    return this.loadPage(id, 'later');
  }

  private async loadPage(id: Id, side: 'earlier' | 'later'): Promise<void> {
    const thread = this.state.threads[id];
    const earlier = side === 'earlier';
    const [more, busy] = earlier ? [thread?.hasEarlier, thread?.loadingEarlier] : [thread?.hasLater, thread?.loadingLater];
    if (!thread || thread.status !== 'ready' || busy || !more) return;
    const load = this.historyLoads.get(id);
    const loading = (value: boolean): Partial<Thread> => (earlier ? { loadingEarlier: value } : { loadingLater: value });
    this.patchThread(id, () => loading(true));
    try {
      const page = await this.api.messages(id, earlier
        ? { beforeSeq: thread.messages[0]?.seq, limit: HISTORY_PAGE_SIZE }
        : { afterSeq: lastSeq(thread), limit: HISTORY_PAGE_SIZE });
      // Another window replaced this one meanwhile: the page would not join it.
      if (load !== this.historyLoads.get(id)) return;
      this.patchThread(id, (t) => ({
        messages: mergeMessages(t.messages, page.items),
        ...(earlier ? { hasEarlier: page.has_more } : { hasLater: page.has_more }),
        ...loading(false),
      }));
      if (!earlier && !page.has_more) {
        this.sync(id); // live messages left out while the page was on its way
        this.markActiveRead();
      }
    } catch (err) {
      this.patchThread(id, () => loading(false));
      this.failed(err);
    }
  }

  /** Resolves what went wrong when the contact could not be loaded, else null. */
  async loadContact(contactId: Id, { force = false } = {}): Promise<unknown> {
    if (!force && this.contactsRequested.has(contactId)) return null;
    this.contactsRequested.add(contactId);
    try {
      const details = await this.api.contact(contactId);
      this.mergeConversations(details.conversations);
      this.store.set((s) => ({
        contacts: { ...s.contacts, [contactId]: details.contact },
        contactHistory: {
          ...s.contactHistory,
          [contactId]: { conversations: details.conversations, pageViews: details.page_views },
        },
      }));
      return null;
    } catch (err) {
      this.contactsRequested.delete(contactId);
      return err;
    }
  }

  /** Saves a contact's name or e-mail; rejects as the request did (the server says what is wrong). */
  async editContact(id: Id, patch: ContactPatch): Promise<void> {
    const contact = await this.api.updateContact(id, patch);
    this.store.set((s) => ({ contacts: { ...s.contacts, [id]: contact } }));
  }

  /** Asks for messages after the last one we have; the answer is a `history` frame. */
  private sync(id: Id): void {
    if (this.state.threads[id]?.hasLater) return; // an older window: Load later brings them
    this.realtime?.send({ type: 'sync', conversation_id: id, after_seq: lastSeq(this.state.threads[id]), limit: 200 });
  }

  // ---------------------------------------------------------------------------------------
  // Writing

  setDraft(id: Id, text: string): void {
    this.store.set((s) => ({ drafts: { ...s.drafts, [id]: text } }));
    tabStorage.set(KEYS.drafts, this.state.drafts);
    if (text.trim()) this.noteTyping(id);
    else this.stopTyping(id);
  }

  /** Online takes new chats, away only keeps the current ones. */
  setAvailability(availability: Availability): void {
    this.realtime?.send({ type: 'status', availability });
  }

  send(id: Id): void {
    const body = (this.state.drafts[id] ?? '').trim();
    if (!body) return;
    this.toNewest(id);
    const clientId = newClientId();
    this.patchThread(id, (thread) => ({
      pending: [...thread.pending, { clientId, body, createdAt: Date.now(), failed: null }],
    }));
    this.store.set((s) => ({ drafts: { ...s.drafts, [id]: '' } }));
    tabStorage.set(KEYS.drafts, this.state.drafts);
    this.stopTyping(id);
    // When offline it stays pending and goes out again, same client_id, after the reconnect.
    this.transmit(id, { clientId, body, createdAt: Date.now(), failed: null });
  }

  /** Sends each file as a message of its own: uploaded first, then sent with its id. */
  attach(id: Id, files: File[]): void {
    this.toNewest(id);
    for (const file of files) {
      const pending: PendingSend = {
        clientId: newClientId(),
        body: '',
        createdAt: Date.now(),
        failed: null,
        file: { name: file.name.slice(0, 255) || 'file', size: file.size, key: newUploadKey(), progress: 0 },
      };
      const limit = this.uploadLimits?.max_bytes;
      if (limit && file.size > limit) {
        // Refused here, before any of it is sent (the server would refuse it after).
        const refused = { ...pending, failed: 'file_too_large', file: { ...pending.file!, maxBytes: limit } };
        this.patchThread(id, (thread) => ({ pending: [...thread.pending, refused] }));
        continue;
      }
      this.uploads.set(pending.clientId, file);
      this.patchThread(id, (thread) => ({ pending: [...thread.pending, pending] }));
      this.transmit(id, pending);
    }
  }

  /** What I send shows under the newest messages: an older window, and the match's mark, give way. */
  private toNewest(id: Id): void {
    const thread = this.state.threads[id];
    if (thread?.hasLater) void this.loadThread(id);
    else if (thread?.focus) this.patchThread(id, () => ({ focus: null }));
  }

  retrySend(id: Id, clientId: string): void {
    const pending = this.state.threads[id]?.pending.find((p) => p.clientId === clientId);
    if (!pending) return;
    this.patchThread(id, (thread) => ({
      pending: thread.pending.map((p) => (p.clientId === clientId ? { ...p, failed: null } : p)),
    }));
    this.transmit(id, { ...pending, failed: null });
  }

  discardSend(id: Id, clientId: string): void {
    this.uploads.delete(clientId);
    this.patchThread(id, (thread) => ({ pending: thread.pending.filter((p) => p.clientId !== clientId) }));
  }

  private transmit(id: Id, pending: PendingSend): void {
    const { clientId, body, file } = pending;
    if (file && !file.stored) return void this.upload(id, pending, file);
    const attachments = file?.stored ? { attachments: [file.stored.id] } : {};
    this.realtime?.send({ type: 'send', conversation_id: id, client_id: clientId, body, ...attachments });
  }

  private patchPending(id: Id, clientId: string, change: Partial<PendingSend>): void {
    this.patchThread(id, (thread) => ({
      pending: thread.pending.map((p) => (p.clientId === clientId ? { ...p, ...change } : p)),
    }));
  }

  /** Uploads the file of a pending message (once at a time), then sends the message. */
  private async upload(id: Id, pending: PendingSend, file: PendingFile): Promise<void> {
    const blob = this.uploads.get(pending.clientId);
    if (!blob) return this.patchPending(id, pending.clientId, { failed: 'upload_failed' });
    if (this.uploading.has(pending.clientId)) return;
    this.uploading.add(pending.clientId);
    const withProgress = (progress: number) => ({ file: { ...file, progress } });
    try {
      const stored = await this.api.uploadFile(blob, file.name, file.key, (progress) =>
        this.patchPending(id, pending.clientId, withProgress(progress)));
      this.uploads.delete(pending.clientId);
      const done = { ...pending, failed: null, file: { ...file, progress: 1, stored } };
      this.patchPending(id, pending.clientId, done);
      this.transmit(id, done);
    } catch (err) {
      const problem = err instanceof UploadError ? err.problem : 'failed';
      if (problem !== 'failed') this.uploads.delete(pending.clientId);
      const code = problem === 'too_large' ? 'file_too_large' : problem === 'type_not_allowed' ? 'file_type_not_allowed' : 'upload_failed';
      const maxBytes = err instanceof UploadError ? err.maxBytes : undefined;
      this.patchPending(id, pending.clientId, { failed: code, file: { ...file, progress: 0, maxBytes } });
    } finally {
      this.uploading.delete(pending.clientId);
    }
  }

  private noteTyping(id: Id): void {
    const now = Date.now();
    if (now - (this.typingSentAt.get(id) ?? 0) > TYPING_REPEAT_MS) {
      if (this.realtime?.send({ type: 'typing', conversation_id: id, active: true })) this.typingSentAt.set(id, now);
    }
    clearTimeout(this.typingIdleTimers.get(id));
    this.typingIdleTimers.set(id, setTimeout(() => this.stopTyping(id), TYPING_IDLE_MS));
  }

  stopTyping(id: Id): void {
    clearTimeout(this.typingIdleTimers.get(id));
    this.typingIdleTimers.delete(id);
    if (this.typingSentAt.has(id)) {
      this.typingSentAt.delete(id);
      this.realtime?.send({ type: 'typing', conversation_id: id, active: false });
    }
  }

  /** Tells the server I have read the active conversation, when it is really on screen. */
  markActiveRead(): void {
    const { activeId, page, threads, readMarks } = this.state;
    if (activeId === null || page !== 'inbox' || document.visibilityState !== 'visible') return;
    const thread = threads[activeId];
    if (!thread || thread.status !== 'ready') return;
    const seq = lastSeq(thread);
    if (seq === 0 || seq <= (readMarks[activeId]?.mine ?? 0)) return;
    if (!this.realtime?.send({ type: 'read', conversation_id: activeId, seq })) return;
    // Shown as read at once; the server's `read` event confirms it.
    this.store.set((s) => ({
      readMarks: { ...s.readMarks, [activeId]: { visitor: s.readMarks[activeId]?.visitor ?? 0, mine: seq } },
    }));
  }

  // ---------------------------------------------------------------------------------------
  // Internal notes

  async loadNotes(id: Id, { force = false } = {}): Promise<void> {
    if (!force && this.notesRequested.has(id)) return;
    this.notesRequested.add(id);
    const generation = this.sessionGeneration;
    try {
      const { items } = await this.api.notes(id);
      if (generation !== this.sessionGeneration) return;
      this.mergeNotes(id, items);
    } catch {
      this.notesRequested.delete(id); // try again the next time the conversation opens
    }
  }

  /** Resolves true when the note was saved. */
  async addNote(id: Id, body: string): Promise<boolean> {
    const text = body.trim();
    if (!text) return false;
    try {
      const note = await this.api.addNote(id, text);
      this.mergeNotes(id, [note]);
      return true;
    } catch (err) {
      this.failed(err);
      return false;
    }
  }

  private mergeNotes(id: Id, notes: Note[]): void {
    this.store.set((s) => ({ notes: { ...s.notes, [id]: mergeNotes(s.notes[id], notes) } }));
  }

  // ---------------------------------------------------------------------------------------
  // Conversation actions

  /** Hands the conversation to an agent or a team's queue; the note becomes an internal note. Resolves true on success. */
  async transfer(id: Id, target: TransferTarget, note: string): Promise<boolean> {
    try {
      const { conversation } = await this.api.transfer(id, target, note.trim() || undefined);
      this.mergeConversations([conversation]);
      if (note.trim()) void this.loadNotes(id, { force: true });
      this.refreshQueueSoon();
      return true;
    } catch (err) {
      this.failed(err);
      return false;
    }
  }

  async closeConversation(id: Id): Promise<void> {
    await this.conversationAction(() => this.api.close(id));
  }

  async reopenConversation(id: Id): Promise<void> {
    await this.conversationAction(() => this.api.reopen(id));
  }

  async assign(id: Id, agentId: Id | null): Promise<void> {
    const mine = agentId !== null && agentId === this.state.me?.id;
    if (mine) this.selfAssigning.add(id);
    try {
      await this.conversationAction(() => this.api.assign(id, agentId));
    } finally {
      if (mine) this.selfAssigning.delete(id);
    }
  }

  private async conversationAction(action: () => Promise<{ conversation: Conversation }>): Promise<void> {
    try {
      const { conversation } = await action();
      this.mergeConversations([conversation]);
    } catch (err) {
      this.failed(err);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Events from the server

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'message': return this.onMessage(frame.conversation_id, frame.message);
      case 'ack': return this.onAck(frame);
      case 'history': return this.onHistory(frame);
      case 'conversation': return this.onConversation(frame.conversation);
      case 'note':
        // Only for conversations whose notes are shown (or being loaded); others load on opening.
        if (this.notesRequested.has(frame.conversation_id)) this.mergeNotes(frame.conversation_id, [frame.note]);
        return;
      case 'typing': return this.onTyping(frame);
      case 'read': return this.onRead(frame);
      case 'page_view': return this.onPageView(frame);
      case 'contact':
        this.store.set((s) => ({ contacts: { ...s.contacts, [frame.contact.id]: frame.contact } }));
        return;
      case 'agent':
        // An admin changed an agent (languages, teams, role…); its availability has its own event.
        this.store.set((s) => {
          const known = s.agents.find((a) => a.id === frame.agent.id);
          const agent = { ...frame.agent, availability: frame.agent.availability ?? known?.availability };
          return {
            agents: known ? s.agents.map((a) => (a.id === agent.id ? agent : a)) : [...s.agents, agent],
            me: s.me?.id === agent.id ? { ...s.me, ...agent } : s.me,
          };
        });
        // A team this console has not heard of (made by an admin meanwhile).
        if (frame.agent.team_ids?.some((id) => !this.state.teams.some((team) => team.id === id))) void this.loadTeams();
        return;
      case 'agent_status':
        this.store.set((s) => ({
          availability: frame.agent_id === s.me?.id ? frame.availability : s.availability,
          agents: s.agents.map((a) => (a.id === frame.agent_id ? { ...a, availability: frame.availability } : a)),
        }));
        return;
      case 'error': return this.onError(frame);
      default: return;
    }
  }

  private onMessage(id: Id, message: Message): void {
    const state = this.state;
    const thread = state.threads[id];
    const isMine = message.author.kind === 'agent' && message.author.id === state.me?.id;
    if (thread) {
      // A gap means we missed something (a dropped frame): fetch it instead of guessing.
      if (thread.status === 'ready' && message.seq > lastSeq(thread) + 1) this.sync(id);
      this.patchThread(id, (t) => ({
        messages: withLive(t, [message]),
        pending: t.pending.filter((p) => !(p.clientId === message.client_id && isMine)),
      }));
    }
    const conversation = state.conversations[id];
    if (conversation) {
      this.store.set((s) => ({ conversations: { ...s.conversations, [id]: withMessage(s.conversations[id]!, message) } }));
    } else {
      this.loadDetails([id], { force: true });
    }
    if (message.author.kind === 'visitor') {
      this.store.set((s) => {
        const typing = { ...s.typing };
        delete typing[id];
        return { typing };
      });
      if (id === this.state.activeId) this.markActiveRead();
      this.alert(id, 'message', message.body);
    } else if (id === this.state.activeId) {
      this.markActiveRead();
    }
  }

  private onAck(frame: Extract<ServerFrame, { type: 'ack' }>): void {
    const id = frame.conversation_id;
    const thread = this.state.threads[id];
    const pending = thread?.pending.find((p) => p.clientId === frame.client_id);
    if (!thread || !pending) return;
    const me = this.state.me!;
    const message: Message = {
      id: frame.message_id,
      conversation_id: id,
      seq: frame.seq,
      client_id: frame.client_id,
      author: { kind: 'agent', id: me.id, name: me.name },
      body: pending.body,
      created_at: frame.created_at,
      ...(pending.file?.stored ? { attachments: [pending.file.stored] } : {}),
    };
    this.patchThread(id, (t) => ({
      messages: withLive(t, [message]),
      pending: t.pending.filter((p) => p.clientId !== frame.client_id),
    }));
    const conversation = this.state.conversations[id];
    if (conversation) {
      this.store.set((s) => ({ conversations: { ...s.conversations, [id]: withMessage(conversation, message) } }));
    }
    this.markActiveRead();
  }

  private onHistory(frame: Extract<ServerFrame, { type: 'history' }>): void {
    const id = frame.conversation_id;
    if (!this.state.threads[id]) return;
    const myId = this.state.me?.id;
    const myClientIds = new Set(frame.messages.filter((m) => m.author.kind === 'agent' && m.author.id === myId).map((m) => m.client_id));
    this.patchThread(id, (thread) => ({
      messages: withLive(thread, frame.messages),
      pending: thread.pending.filter((p) => !myClientIds.has(p.clientId)),
    }));
    const latest = frame.messages[frame.messages.length - 1];
    this.store.set((s) => ({
      readMarks: { ...s.readMarks, [id]: withReadMarks(s.readMarks[id], frame.read_marks, myId) },
      conversations: latest && s.conversations[id]
        ? { ...s.conversations, [id]: withMessage(s.conversations[id]!, latest) }
        : s.conversations,
    }));
    if (frame.has_more) this.sync(id);
    else this.markActiveRead();
  }

  private onConversation(conversation: Conversation): void {
    const known = this.state.conversations[conversation.id];
    this.mergeConversations([conversation]);
    this.refreshQueueSoon();
    // A contact's list of conversations is shown in the visitor panel.
    this.store.set((s) => {
      const history = s.contactHistory[conversation.contact_id];
      if (!history) return {};
      const others = history.conversations.filter((c) => c.id !== conversation.id);
      return {
        contactHistory: {
          ...s.contactHistory,
          [conversation.contact_id]: { ...history, conversations: [conversation, ...others] },
        },
      };
    });
    const myId = this.state.me?.id;
    const mine = myId !== undefined && conversation.assignee_id === myId;
    if (!known) {
      this.loadDetails([conversation.id]);
      if (conversation.status === 'open') {
        this.alert(conversation.id, mine ? 'assigned' : 'conversation', conversation.last_message_preview);
      }
      return;
    }
    // Routed or transferred to me by someone (or something) else.
    if (mine && known.assignee_id !== myId && conversation.status === 'open' && !this.selfAssigning.has(conversation.id)) {
      this.alert(conversation.id, 'assigned', conversation.last_message_preview);
    }
  }

  private onTyping(frame: Extract<ServerFrame, { type: 'typing' }>): void {
    const { me } = this.state;
    if (frame.author.kind === 'agent' && frame.author.id === me?.id) return; // my other tab
    const id = frame.conversation_id;
    this.store.set((s) => {
      const typing = { ...s.typing };
      if (frame.active) {
        const agentName = s.agents.find((a) => a.id === frame.author.id)?.name;
        typing[id] = {
          kind: frame.author.kind,
          name: frame.author.name || (frame.author.kind === 'agent' ? agentName ?? '' : ''),
          until: Date.now() + TYPING_SHOWN_MS,
        };
      } else {
        delete typing[id];
      }
      return { typing };
    });
    this.sweepTypingSoon();
  }

  private sweepTypingSoon(): void {
    if (this.typingSweep) return;
    this.typingSweep = setInterval(() => {
      const now = Date.now();
      const current = this.state.typing;
      const expired = Object.keys(current).filter((id) => current[Number(id)]!.until <= now);
      if (expired.length) {
        this.store.set((s) => {
          const typing = { ...s.typing };
          for (const id of expired) delete typing[Number(id)];
          return { typing };
        });
      }
      if (Object.keys(this.state.typing).length === 0) {
        clearInterval(this.typingSweep);
        this.typingSweep = undefined;
      }
    }, 1000);
  }

  private onRead(frame: Extract<ServerFrame, { type: 'read' }>): void {
    const myId = this.state.me?.id;
    const id = frame.conversation_id;
    this.store.set((s) => ({
      readMarks: { ...s.readMarks, [id]: withReadMarks(s.readMarks[id], [{ reader: frame.reader, seq: frame.seq }], myId) },
    }));
  }

  private onPageView(frame: Extract<ServerFrame, { type: 'page_view' }>): void {
    const { type: _type, ...view } = frame;
    this.store.set((s) => {
      const history = s.contactHistory[frame.contact_id];
      const contact = s.contacts[frame.contact_id];
      return {
        contactHistory: history
          ? { ...s.contactHistory, [frame.contact_id]: { ...history, pageViews: [view, ...history.pageViews] } }
          : s.contactHistory,
        contacts: contact
          ? { ...s.contacts, [frame.contact_id]: { ...contact, last_seen: Math.max(contact.last_seen, frame.at) } }
          : s.contacts,
      };
    });
  }

  private onError(frame: Extract<ServerFrame, { type: 'error' }>): void {
    for (const [id, thread] of Object.entries(this.state.threads)) {
      if (thread.pending.some((p) => p.clientId === frame.ref)) {
        this.patchThread(Number(id), (t) => ({
          pending: t.pending.map((p) => (p.clientId === frame.ref ? { ...p, failed: frame.code } : p)),
        }));
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Notifications

  /** Sound and a desktop notification, unless the agent is looking at this conversation. */
  private alert(id: Id, kind: 'conversation' | 'message' | 'assigned', text: string): void {
    const { activeId, page, settings, conversations, contacts, me } = this.state;
    const looking = activeId === id && page === 'inbox' && document.visibilityState === 'visible' && document.hasFocus();
    if (looking) return;
    const conversation = conversations[id];
    // Someone else's chats are theirs to be alerted about.
    if (conversation && conversation.assignee_id !== null && conversation.assignee_id !== me?.id) return;
    // A new chat and its routing to me a moment later are one piece of news.
    const now = Date.now();
    if (kind !== 'message' && now - (this.alertedAt.get(id) ?? 0) < ALERT_QUIET_MS) return;
    this.alertedAt.set(id, now);
    if (settings.sound) beep();
    if (settings.desktopNotifications) {
      const name = conversation ? contactName(contacts[conversation.contact_id], conversation.contact_id, settings.language) : '';
      const title = kind === 'assigned'
        ? this.t('notifyAssigned')
        : kind === 'conversation' || !name ? this.t('notifyNewConversation') : this.t('notifyNewMessage', { name });
      showNotification(title, text, `juttu-conversation-${id}`, () => {
        location.hash = '#/inbox';
        this.openConversation(id);
      });
    }
  }
}
