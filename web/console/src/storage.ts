// Browser storage that never throws: storage can be full, disabled or blocked.

function read<T>(storage: Storage | undefined, key: string): T | null {
  try {
    const text = storage?.getItem(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

function write(storage: Storage | undefined, key: string, value: unknown): void {
  try {
    if (value === null || value === undefined) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(value));
  } catch {
    /* not fatal: the console works without persistence */
  }
}

function safe(get: () => Storage): Storage | undefined {
  try { return get(); } catch { return undefined; }
}

const local = safe(() => window.localStorage);
const session = safe(() => window.sessionStorage);

/** Kept across browser restarts: the session token and the agent's settings. */
export const persistent = {
  get: <T>(key: string) => read<T>(local, key),
  set: (key: string, value: unknown) => write(local, key, value),
};

/** Kept for this browser tab only: drafts and the open conversations. */
export const tabStorage = {
  get: <T>(key: string) => read<T>(session, key),
  set: (key: string, value: unknown) => write(session, key, value),
};

export const KEYS = {
  token: 'juttu.console.token',
  /** The workspace last worked in: the next login goes there. */
  workspace: 'juttu.console.workspace',
  settings: 'juttu.console.settings',
  drafts: 'juttu.console.drafts',
  openChats: 'juttu.console.open',
} as const;
