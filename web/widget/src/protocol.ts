// The frames of Juttu's real-time protocol that a visitor sends and receives
// (docs/protocol.md). Only the fields the widget uses are typed.
import type { FileInfo } from '../../shared/uploads';

export interface Author {
  kind: string; // "visitor" | "agent" (kept open: the server may add kinds, e.g. a bot)
  id: number;
  name?: string;
}

export interface Message {
  id: number;
  conversation_id: number;
  seq: number;
  client_id?: string;
  author: Author;
  body: string;
  created_at: number;
  attachments?: FileInfo[];
}

export interface Conversation {
  id: number;
  status: string;
  last_seq: number;
  /** Who has the chat now; null while nobody has (waiting, or transferred to a team). */
  assignee?: { id: number; name: string } | null;
}

export interface SiteSettings {
  name: string;
  /** In the page's language when the site has it, else the site's own. */
  greeting: string;
  /** Above the offline form; '' (or absent, from an older server): the widget's words. */
  offline_message?: string;
  color: string;
}

/** Whether anyone can chat now (welcome's `availability`, `site_status`). */
export interface Availability {
  online: boolean;
  reason: string; // "open" | "outside_hours" | "no_agents"
  next_opening_at?: number | null;
}

export type FieldRule = 'off' | 'optional' | 'required';

/** The site's pre-chat form. */
export interface Prechat {
  enabled: boolean;
  name: FieldRule;
  email: FieldRule;
  team: FieldRule;
  question?: { label: string; required: boolean } | null;
}

export interface Team {
  id: number;
  name: string;
}

/** Where the visitor's waiting conversation is in the queue (position 0: taken). */
export interface QueuePlace {
  conversation_id: number;
  position: number;
  estimated_wait_s?: number | null;
}

export interface Welcome {
  type: 'welcome';
  contact_token: string;
  contact?: { name?: string; email?: string; verified?: boolean };
  site: SiteSettings;
  conversation: Conversation | null;
  availability?: Availability;
  prechat?: Prechat | null;
  teams?: Team[];
  queue?: QueuePlace | null;
  /** What may be attached: a bigger file is refused before it is sent. */
  uploads?: UploadLimits | null;
}

export interface UploadLimits {
  max_bytes: number;
  max_files: number;
}

export interface ReadMark {
  reader: { kind: string; id: number };
  seq: number;
}

export type ServerFrame =
  | Welcome
  | { type: 'ack'; client_id: string; conversation_id: number; seq: number; created_at: number; duplicate: boolean }
  | { type: 'message'; conversation_id: number; message: Message }
  | { type: 'history'; conversation_id: number; messages: Message[]; has_more: boolean; read_marks: ReadMark[] }
  | { type: 'typing'; conversation_id: number; author: Author; active: boolean }
  | { type: 'read'; conversation_id: number; reader: { kind: string; id: number }; seq: number }
  | { type: 'conversation'; conversation: Conversation }
  | ({ type: 'site_status' } & Availability)
  | ({ type: 'queue' } & QueuePlace)
  | { type: 'error'; code: string; message: string; ref: string; retry_after_ms?: number }
  | { type: 'pong' };

/** The shop's signed identity of its logged-in customer (docs/identity.md). */
export type Identity = { token: string } | { user_id: string; user_hash: string };

export type ClientFrame =
  | {
      type: 'hello';
      role: 'visitor';
      site_key: string;
      contact_token?: string;
      identity?: Identity;
      context: { language: string; page_language: string; timezone: string; screen: string };
    }
  | { type: 'send'; client_id: string; body: string; team_id?: number; attachments?: string[] }
  | { type: 'leave_message'; client_id: string; name?: string; email: string; body: string }
  | { type: 'sync'; conversation_id: number; after_seq: number; limit: number }
  | { type: 'typing'; conversation_id: number; active: boolean }
  | { type: 'read'; conversation_id: number; seq: number }
  | { type: 'page_view'; url: string; title: string; referrer: string }
  | { type: 'identify'; name?: string; email?: string }
  | { type: 'attributes'; attributes: Record<string, string | null> }
  | { type: 'ping' };

/** Close codes after which reconnecting cannot help (the site or origin is refused). */
export const CLOSE_POLICY = 1008;
