// The objects of Juttu's REST API and real-time protocol (docs/api.md, docs/protocol.md).
// Ids are integers and times are milliseconds since the Unix epoch.
import type { FileInfo } from '../../shared/uploads';

export type { FileInfo };

export type Id = number;
export type Role = 'admin' | 'agent';
export type ConversationStatus = 'open' | 'pending' | 'closed';

export interface Agent {
  id: Id;
  workspace_id: Id;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  capacity?: number;
  /** Languages the agent chats in ("fi", "en-GB"): a routing preference. */
  languages?: string[];
  team_ids?: Id[];
  availability?: Availability;
  created_at: number;
}

/** A department of the workspace (sales, support…): its chats go to its members. */
export interface Team {
  id: Id;
  name: string;
  agent_ids: Id[];
  created_at: number;
}

/** An internal note on a conversation: agents only, never shown to the visitor. */
export interface Note {
  id: Id;
  conversation_id: Id;
  agent_id: Id;
  author_name: string;
  body: string;
  created_at: number;
}

/** A saved reply, inserted in the reply box by typing its /shortcut. */
export interface CannedResponse {
  id: Id;
  shortcut: string;
  title: string;
  body: string;
  /** null: offered to the whole workspace; else only to the team's members. */
  team_id?: Id | null;
  /** "" (or missing, on older servers): for any language; else a language tag such as "fi". */
  language?: string;
  created_at: number;
}

/** online takes new chats, away keeps its chats only, offline neither. */
export type Availability = 'online' | 'away' | 'offline';

export interface Workspace {
  id: Id;
  name: string;
}

/** What may be attached (the welcome's `uploads`): a bigger file is refused before it is sent. */
export interface UploadLimits {
  max_bytes: number;
  max_files: number;
}

/** A workspace the logged-in person works in, with their role there (GET /me/workspaces). */
export interface WorkspaceMembership extends Workspace {
  role: Role;
  agent_id: Id;
  created_at: number;
}

export interface Site {
  id: Id;
  workspace_id: Id;
  key: string;
  name: string;
  allowed_origins: string[];
  greeting: string;
  color: string;
  routing?: Routing;
  hours?: Hours;
  prechat?: Prechat;
  /** Shown above the widget's leave-a-message form; "" = the widget's own text. */
  offline_message?: string;
  /** The texts for pages in other languages (missing on older servers). */
  translations?: SiteTranslation[];
  /** Verified identity (docs/identity.md): the slots that hold a secret, never the secrets. */
  require_verified_identity?: boolean;
  identity_secrets?: { n: number; created_at: number }[];
  created_at: number;
}

/** A site's identity secret, as only admins read it. */
export interface IdentitySecret {
  n: number;
  secret: string;
  created_at: number;
}

/** A site's texts in one language; an empty one falls back to the site's default. */
export interface SiteTranslation {
  /** A language tag such as "sv" or "fi-FI", once per site. */
  language: string;
  greeting: string;
  offline_message: string;
}

/** auto: new chats go to an agent by the routing rules; manual: they wait to be taken. */
export type Routing = 'auto' | 'manual';

export interface Interval {
  open: string;
  close: string;
}

/** Opening hours in the site's time zone; `weekly` is Monday first. */
export interface Hours {
  time_zone: string;
  always_open: boolean;
  weekly: Interval[][];
  exceptions: { date: string; intervals: Interval[] }[];
}

export type PrechatField = 'off' | 'optional' | 'required';

/** The form the widget shows before the first message. */
export interface Prechat {
  enabled: boolean;
  name: PrechatField;
  email: PrechatField;
  team: PrechatField;
  question: { label: string; required: boolean };
}

export interface Contact {
  id: Id;
  site_id: Id;
  name: string;
  email: string;
  attributes: Record<string, string>;
  first_seen: number;
  last_seen: number;
  visits: number;
  /** Signed by the shop (docs/identity.md); external_id is the shop's user id. */
  verified?: boolean;
  external_id?: string | null;
}

export interface Conversation {
  id: Id;
  site_id: Id;
  contact_id: Id;
  status: ConversationStatus;
  assignee_id: Id | null;
  team_id?: Id | null;
  /** offline: the visitor left a message with the offline form. */
  channel?: 'chat' | 'offline';
  /** The visitor left before any agent answered. */
  missed?: boolean;
  /** Missed, and an agent answered since: the inbox no longer flags it. */
  answered_after_missed?: boolean;
  last_seq: number;
  last_message_preview: string;
  last_message_at: number;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  first_assigned_at?: number | null;
  first_response_at?: number | null;
}

export interface Author {
  kind: 'visitor' | 'agent';
  id: Id;
  /** The agent's display name when the message was sent (may be missing on older servers). */
  name?: string;
}

export interface Message {
  id: Id;
  conversation_id: Id;
  seq: number;
  client_id: string;
  author: Author;
  body: string;
  created_at: number;
  attachments?: FileInfo[];
}

export interface PageView {
  id?: Id;
  contact_id: Id;
  url: string;
  title: string;
  referrer: string;
  at: number;
}

export interface ReadMark {
  reader: { kind: 'visitor' | 'agent'; id: Id };
  seq: number;
}

/** Who a conversation is with, as lists carry it. */
export interface ContactRef {
  id: Id;
  name: string;
  email: string;
}

/** A row of GET /conversations: the conversation, who it is with, how far I have read. */
export interface InboxRow extends Conversation {
  contact: ContactRef;
  my_read_seq: number;
}

/** A row of GET /queue: an open chat waiting for an agent, 1 = next. */
export interface QueueRow extends Conversation {
  contact: ContactRef;
  position: number;
  /** null while no agent who could take the chat is online. */
  estimated_wait_s: number | null;
}

export interface ConversationDetails {
  conversation: Conversation;
  contact: Contact;
  read_marks: ReadMark[];
}

export interface ContactDetails {
  contact: Contact;
  conversations: Conversation[];
  page_views: PageView[];
}

/** A piece of a search snippet: plain text, `mark` on the words that matched. Never HTML. */
export interface SnippetSegment {
  text: string;
  mark?: boolean;
}

/** A message that matched a search, as the text around its first matching word. */
export interface SearchMatch {
  message_id: Id;
  seq: number;
  author_kind: 'visitor' | 'agent';
  author_name: string;
  created_at: number;
  snippet: SnippetSegment[];
}

/** A row of GET /search: the conversation, who it is with, its newest matching messages. */
export interface SearchHit {
  conversation: Conversation;
  contact: ContactRef;
  /** Empty when only the contact's name, e-mail or attributes matched. */
  matches: SearchMatch[];
}

// ---- Frames the server sends to an agent connection ----------------------------------

export type ServerFrame =
  | { type: 'welcome'; role: 'agent'; agent: Agent; workspace: Workspace; availability?: Availability; uploads?: UploadLimits | null }
  | { type: 'agent_status'; agent_id: Id; availability: Availability }
  | { type: 'agent'; agent: Agent }
  | { type: 'ack'; client_id: string; conversation_id: Id; message_id: Id; seq: number; created_at: number; duplicate: boolean }
  | { type: 'message'; conversation_id: Id; message: Message }
  | { type: 'history'; conversation_id: Id; messages: Message[]; has_more: boolean; read_marks: ReadMark[] }
  | { type: 'typing'; conversation_id: Id; author: Author; active: boolean }
  | { type: 'read'; conversation_id: Id; reader: ReadMark['reader']; seq: number }
  | { type: 'page_view'; contact_id: Id; url: string; title: string; referrer: string; at: number }
  | { type: 'contact'; contact: Contact }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'note'; conversation_id: Id; note: Note }
  | { type: 'pong' }
  | { type: 'error'; code: string; message?: string; ref?: string };

// ---- Frames an agent sends ------------------------------------------------------------

export type ClientFrame =
  | { type: 'hello'; role: 'agent'; token: string }
  | { type: 'send'; conversation_id: Id; client_id: string; body: string; attachments?: string[] }
  | { type: 'sync'; conversation_id: Id; after_seq: number; limit?: number }
  | { type: 'typing'; conversation_id: Id; active: boolean }
  | { type: 'read'; conversation_id: Id; seq: number }
  | { type: 'status'; availability: Availability }
  | { type: 'ping' };
