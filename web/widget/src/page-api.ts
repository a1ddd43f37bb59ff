import type { Identity } from './protocol';

// `window.Juttu`: what the shop's own scripts can do with the widget. Calls made before
// widget.js has loaded are kept by the stub from the README and replayed here in order.

export interface MessageEvent {
  body: string;
  author: { kind: string; name: string };
  created_at: number;
  seq: number;
}

export interface IdentityRefusal {
  /** bad_identity (forged, expired, malformed) or identity_required (the site requires one). */
  code: string;
  message: string;
}

export interface JuttuApi {
  open(): void;
  close(): void;
  /**
   * Who the visitor is: a name and e-mail as the page says them, and (docs/identity.md)
   * the shop's signed identity, a `token` or a `user_id` with its `user_hash`.
   */
  identify(person: { name?: string; email?: string; token?: string; user_id?: string; user_hash?: string }): void;
  setAttributes(attributes: Record<string, string | null>): void;
  /**
   * Subscribes to an event: 'message' (every new message), or 'identity_refused' (the
   * signed identity was refused, e.g. its token expired: give identify() a fresh one).
   * Returns a function that unsubscribes.
   */
  on(event: 'message', listener: (message: MessageEvent) => void): () => void;
  on(event: 'identity_refused', listener: (refusal: IdentityRefusal) => void): () => void;
}

type QueuedCall = [keyof JuttuApi, ...unknown[]];

declare global {
  interface Window {
    Juttu?: Partial<JuttuApi> & { q?: QueuedCall[]; loaded?: boolean };
  }
}

/** True when another copy of widget.js already runs on this page. */
export function alreadyLoaded(): boolean {
  return !!(window.Juttu && window.Juttu.loaded);
}

export function installPageApi(api: JuttuApi): void {
  const queued = (window.Juttu && Array.isArray(window.Juttu.q) && window.Juttu.q) || [];
  window.Juttu = { ...api, loaded: true };
  for (const [method, ...args] of queued) {
    const fn = api[method] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn !== 'function') continue;
    try {
      fn(...args);
    } catch (error) {
      console.error('Juttu:', error);
    }
  }
}

/** The signed identity in an identify() call, if it carries one. */
export function identityOf(person: unknown): Identity | null {
  if (!person || typeof person !== 'object') return null;
  const { token, user_id: userId, user_hash: userHash } = person as Record<string, unknown>;
  if (typeof token === 'string' && token) return { token };
  if (typeof userId === 'string' && userId && typeof userHash === 'string' && userHash) {
    return { user_id: userId, user_hash: userHash };
  }
  return null;
}

/** Keeps only string values (and null, which removes a key), as the protocol wants. */
export function cleanAttributes(input: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (!input || typeof input !== 'object') return out;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === null || typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
}
