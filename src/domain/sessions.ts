/**
 * Isolated sessions: each `X-Mock-Session` id gets its own tree, made from the seeded records on first
 * use. Bounded in number (the least recently used goes first) and forgotten when idle.
 */
export interface SessionLimits {
  maxSessions: number;
  idleMs: number;
}

interface Entry<T> {
  value: T;
  lastUsed: number;
}

export class SessionStore<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly create: () => T,
    private readonly now: () => number,
  ) {}

  get(id: string): T {
    const now = this.now();
    this.expire(now);
    let entry = this.entries.get(id);
    if (entry) this.entries.delete(id); // re-inserted below: Map order is the LRU order
    else entry = { value: this.create(), lastUsed: now };
    entry.lastUsed = now;
    this.entries.set(id, entry);
    while (this.entries.size > this.limits.maxSessions) this.entries.delete(this.entries.keys().next().value as string);
    return entry.value;
  }

  /** Puts `value` in place of the session's state, keeping its place in the LRU order. */
  replace(id: string, value: T): void {
    const entry = this.entries.get(id);
    if (entry) entry.value = value;
    else this.entries.set(id, { value, lastUsed: this.now() });
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  delete(id: string): boolean {
    return this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  private expire(now: number): void {
    for (const [id, entry] of this.entries) {
      if (now - entry.lastUsed < this.limits.idleMs) break; // oldest first: the rest are newer
      this.entries.delete(id);
    }
  }
}
