// localStorage that never throws: storage can be disabled, full or blocked (private
// modes, sandboxed iframes). Then the widget still works, it just forgets on reload.
export class SiteStorage {
  private memory = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  get(name: string): string | null {
    const key = this.prefix + name;
    try {
      const value = window.localStorage.getItem(key);
      if (value !== null) return value;
    } catch {
      /* fall back to memory */
    }
    return this.memory.get(key) ?? null;
  }

  set(name: string, value: string | null): void {
    const key = this.prefix + name;
    if (value === null) this.memory.delete(key);
    else this.memory.set(key, value);
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch {
      /* kept in memory */
    }
  }
}
