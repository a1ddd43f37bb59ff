// `window.Juttu`: what the shop's own scripts can do with the widget. Calls made before
// widget.js has loaded are kept by the stub from the README and replayed here in order.

export interface MessageEvent {
  body: string;
  author: { kind: string; name: string };
  created_at: number;
  seq: number;
}

export interface JuttuApi {
  open(): void;
  close(): void;
  identify(person: { name?: string; email?: string }): void;
  setAttributes(attributes: Record<string, string | null>): void;
  /** Subscribes to an event ('message'); returns a function that unsubscribes. */
  on(event: 'message', listener: (message: MessageEvent) => void): () => void;
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
