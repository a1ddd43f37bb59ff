// A small client for Juttu's REST API (/api/v1, docs/api.md).
import { uploadFile } from '../../shared/uploads';
import type {
  Agent, CannedResponse, Contact, ContactDetails, Conversation, ConversationDetails, Hours, Id, InboxRow, Message, Note, Prechat,
  IdentitySecret, QueueRow, Role, Routing, SearchHit, Site, SiteTranslation, Team, Workspace, WorkspaceMembership,
} from './types';

/** What logging in (or switching workspace) answers. */
export interface Session { token: string; expires_at: number; agent: Agent }

/** The server answered with an error body ({"error":{"code","message"}}). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an answer (server down, network gone, timeout). */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ConversationQuery {
  status?: string;
  assignee?: 'me' | 'none' | 'me_or_none' | Id;
  /** Only the chats whose visitor left before any answer. */
  missed?: boolean;
  channel?: 'chat' | 'offline';
  team?: Id;
  limit?: number;
  cursor?: string | null;
}

export interface SearchQuery {
  q: string;
  status?: string;
  /** me, none, or an agent's id. */
  assignee?: string;
  team?: string;
  site?: string;
  /** Active at or after (ms). */
  from?: number;
  /** Created at or before (ms). */
  to?: number;
  limit?: number;
  cursor?: string | null;
}

export interface ContactPatch {
  name?: string;
  /** "" clears it. */
  email?: string;
}

export interface SiteInput {
  name?: string;
  allowed_origins?: string[];
  greeting?: string;
  color?: string;
  routing?: Routing;
  hours?: Hours;
  prechat?: Prechat;
  offline_message?: string;
  /** Replaces the whole list. */
  translations?: SiteTranslation[];
}

export interface AgentInput {
  email: string;
  name: string;
  /** None: a colleague who already has a login in another of my workspaces joins with it. */
  password?: string;
  role: Role;
  languages?: string[];
}

export interface AgentPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
  capacity?: number;
  languages?: string[];
}

export interface TeamInput {
  name?: string;
  agent_ids?: Id[];
}

export interface CannedInput {
  shortcut?: string;
  title?: string;
  body?: string;
  team_id?: Id | null;
  /** "" for any language. */
  language?: string;
}

/** Where a conversation goes: an agent, or a team's queue. */
export type TransferTarget = { agent_id: Id } | { team_id: Id };

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The parameters that have a value (not undefined, null or ""), as a query string. */
function queryString(query: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  return params;
}

const REQUEST_TIMEOUT_MS = 15000;

export class ApiClient {
  /** Resolved relative to the page so that the console also works under a path prefix. */
  private readonly base = new URL('../api/v1', document.baseURI).href;

  constructor(
    private readonly getToken: () => string | null,
    /** Called when an authenticated request is refused with 401: the session is gone. */
    private readonly onUnauthorized: () => void,
  ) {}

  async request<T>(method: Method, path: string, body?: unknown, { authenticated = true } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    const token = this.getToken();
    if (authenticated && token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new NetworkError(err instanceof Error ? err.message : String(err));
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const apiError = new ApiError(response.status, error?.code ?? 'http_' + response.status,
        error?.message ?? response.statusText);
      if (response.status === 401 && authenticated) this.onUnauthorized();
      throw apiError;
    }
    return parsed as T;
  }

  // ---- Session ----
  /** In `workspaceId` when the person works there, else in their oldest workspace. */
  login(email: string, password: string, workspaceId?: Id | null) {
    const body = workspaceId ? { email, password, workspace_id: workspaceId } : { email, password };
    return this.request<Session>('POST', '/auth/login', body, { authenticated: false });
  }
  myWorkspaces() { return this.request<{ items: WorkspaceMembership[] }>('GET', '/me/workspaces'); }
  /** A new session in another of the person's workspaces; this one stays until logged out. */
  switchWorkspace(id: Id) { return this.request<Session>('POST', '/auth/switch', { workspace_id: id }); }
  createWorkspace(name: string) { return this.request<WorkspaceMembership>('POST', '/workspaces', { name }); }
  logout() { return this.request<void>('POST', '/auth/logout'); }
  me() { return this.request<{ agent: Agent; workspace: Workspace; may_create_workspaces?: boolean }>('GET', '/me'); }
  /** 403 forbidden when the current password is wrong; the agent's other sessions end. */
  changePassword(current: string, next: string) {
    return this.request<void>('POST', '/me/password', { current_password: current, new_password: next });
  }

  // ---- Files ----
  /** Rejects with an UploadError; a 401 ends the session as any other request's does. */
  async uploadFile(file: Blob, name: string, key: string, onProgress: (fraction: number) => void) {
    try {
      return await uploadFile({ endpoint: `${this.base}/files`, authorization: `Bearer ${this.getToken() ?? ''}`, file, name, key, onProgress });
    } catch (err) {
      if ((err as { status?: number }).status === 401) this.onUnauthorized();
      throw err;
    }
  }

  // ---- Conversations ----
  listConversations(query: ConversationQuery) {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.assignee !== undefined) params.set('assignee', String(query.assignee));
    if (query.missed) params.set('missed', 'true');
    if (query.channel) params.set('channel', query.channel);
    if (query.team !== undefined) params.set('team', String(query.team));
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    return this.request<Page<InboxRow>>('GET', `/conversations?${params}`);
  }
  /** How many conversations of the status each assignee tab holds. */
  conversationCounts(status: string) {
    return this.request<{ me_or_none: number; none: number; me: number; all: number }>(
      'GET', `/conversations/counts?${new URLSearchParams({ status })}`);
  }
  conversation(id: Id) { return this.request<ConversationDetails>('GET', `/conversations/${id}`); }
  messages(id: Id, { beforeSeq, afterSeq, limit = 50 }: { beforeSeq?: number; afterSeq?: number; limit?: number } = {}) {
    const params = new URLSearchParams({ limit: String(limit) });
    if (beforeSeq !== undefined) params.set('before_seq', String(beforeSeq));
    if (afterSeq !== undefined) params.set('after_seq', String(afterSeq));
    return this.request<{ items: Message[]; has_more: boolean }>('GET', `/conversations/${id}/messages?${params}`);
  }
  close(id: Id) { return this.request<{ conversation: Conversation }>('POST', `/conversations/${id}/close`); }
  reopen(id: Id) { return this.request<{ conversation: Conversation }>('POST', `/conversations/${id}/reopen`); }
  /** Assigns a waiting chat to me; 409 conflict when another agent was quicker. */
  take(id: Id) {
    return this.request<{ conversation: Conversation }>('POST', `/conversations/${id}/take`);
  }

  assign(id: Id, agentId: Id | null) {
    return this.request<{ conversation: Conversation }>('POST', `/conversations/${id}/assign`, { agent_id: agentId });
  }
  transfer(id: Id, target: TransferTarget, note?: string) {
    const body = note ? { ...target, note } : target;
    return this.request<{ conversation: Conversation }>('POST', `/conversations/${id}/transfer`, body);
  }
  notes(id: Id) { return this.request<{ items: Note[] }>('GET', `/conversations/${id}/notes`); }
  addNote(id: Id, body: string) { return this.request<Note>('POST', `/conversations/${id}/notes`, { body }); }
  queue() { return this.request<{ items: QueueRow[] }>('GET', '/queue'); }

  // ---- Search and contacts ----
  /** 400 validation_failed when `q` has no word to look for. */
  search(query: SearchQuery) {
    return this.request<Page<SearchHit>>('GET', `/search?${queryString(query)}`);
  }
  /** Newest seen first; `q` searches names, e-mails and attribute values. */
  contacts(query: { q?: string; limit?: number; cursor?: string | null }) {
    return this.request<Page<Contact>>('GET', `/contacts?${queryString(query)}`);
  }
  contact(id: Id) { return this.request<ContactDetails>('GET', `/contacts/${id}`); }
  /** 400 validation_failed, with the server's reason, for a bad name or e-mail. */
  updateContact(id: Id, patch: ContactPatch) { return this.request<Contact>('PATCH', `/contacts/${id}`, patch); }

  // ---- Sites ----
  sites() { return this.request<{ items: Site[] }>('GET', '/sites'); }
  createSite(input: SiteInput) { return this.request<Site>('POST', '/sites', input); }
  updateSite(id: Id, input: SiteInput) { return this.request<Site>('PATCH', `/sites/${id}`, input); }
  deleteSite(id: Id) { return this.request<void>('DELETE', `/sites/${id}`); }
  snippet(id: Id) { return this.request<{ snippet: string }>('GET', `/sites/${id}/snippet`); }
  identitySecrets(id: Id) { return this.request<{ items: IdentitySecret[] }>('GET', `/sites/${id}/identity-secrets`); }
  createIdentitySecret(id: Id) { return this.request<IdentitySecret>('POST', `/sites/${id}/identity-secrets`); }
  retireIdentitySecret(id: Id, n: number) { return this.request<void>('DELETE', `/sites/${id}/identity-secrets/${n}`); }
  requireVerifiedIdentity(id: Id, on: boolean) {
    return this.request<Site>('PATCH', `/sites/${id}`, { require_verified_identity: on });
  }

  // ---- Agents ----
  agents() { return this.request<{ items: Agent[] }>('GET', '/agents'); }
  createAgent(input: AgentInput) { return this.request<Agent>('POST', '/agents', input); }
  updateAgent(id: Id, patch: AgentPatch) { return this.request<Agent>('PATCH', `/agents/${id}`, patch); }
  removeAgent(id: Id) { return this.request<void>('DELETE', `/agents/${id}`); }

  // ---- Teams ----
  teams() { return this.request<{ items: Team[] }>('GET', '/teams'); }
  createTeam(input: TeamInput) { return this.request<Team>('POST', '/teams', input); }
  updateTeam(id: Id, input: TeamInput) { return this.request<Team>('PATCH', `/teams/${id}`, input); }
  deleteTeam(id: Id) { return this.request<void>('DELETE', `/teams/${id}`); }

  // ---- Saved replies ----
  cannedResponses() { return this.request<{ items: CannedResponse[] }>('GET', '/canned-responses'); }
  createCanned(input: CannedInput) { return this.request<CannedResponse>('POST', '/canned-responses', input); }
  updateCanned(id: Id, input: CannedInput) { return this.request<CannedResponse>('PATCH', `/canned-responses/${id}`, input); }
  deleteCanned(id: Id) { return this.request<void>('DELETE', `/canned-responses/${id}`); }
}
