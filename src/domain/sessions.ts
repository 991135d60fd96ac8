/**
 * Isolated sessions: each `X-Mock-Session` id gets its own state. Bounded three ways: in number
 * (`maxSessions`), in time (forgotten when idle) and in bytes (`maxBytes`, from each session's own
 * estimate of what it holds); past a bound the least recently used sessions go first.
 */
export interface SessionLimits {
  maxSessions: number;
  idleMs: number;
  /** The estimated bytes of all sessions together; the session in use is never evicted for it. */
  maxBytes: number;
}

/** What a session holds, as an estimate in bytes; read again each time the session is used. */
export interface Sized {
  readonly estimatedBytes: number;
}

interface Entry<T> {
  value: T;
  lastUsed: number;
  bytes: number;
}

export class SessionStore<T extends Sized> {
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;

  constructor(
    private readonly limits: SessionLimits,
    private readonly create: (id: string) => T,
    private readonly now: () => number,
    /** Told the estimated bytes of each session evicted for a bound (not of those deleted on purpose). */
    private readonly onEvict: (bytes: number) => void = () => {},
  ) {}

  /** The session, made if it does not exist yet; it becomes the most recently used. */
  open(id: string): T {
    const now = this.now();
    this.expire(now);
    let entry = this.entries.get(id);
    if (entry)
      this.entries.delete(id); // re-inserted below: Map order is the LRU order
    else entry = { value: this.create(id), lastUsed: now, bytes: 0 };
    entry.lastUsed = now;
    this.entries.set(id, entry);
    this.remeasureEntry(entry);
    this.evictBeyondLimits(id);
    return entry.value;
  }

  /** The session if it exists, without making it or changing the LRU order. */
  peek(id: string): T | undefined {
    const entry = this.entries.get(id);
    return entry && this.now() - entry.lastUsed < this.limits.idleMs ? entry.value : undefined;
  }

  /** Puts `value` in place of the session's state, making it the most recently used. */
  replace(id: string, value: T): void {
    this.delete(id);
    const entry = { value, lastUsed: this.now(), bytes: 0 };
    this.entries.set(id, entry);
    this.remeasureEntry(entry);
    this.evictBeyondLimits(id);
  }

  /** Measures the session again (after it grew) and evicts others if the bounds are now passed. */
  remeasure(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.remeasureEntry(entry);
    this.evictBeyondLimits(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  delete(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.bytes -= entry.bytes;
    return this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes of all sessions, as last measured. */
  get estimatedBytes(): number {
    return this.bytes;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  private remeasureEntry(entry: Entry<T>): void {
    const bytes = entry.value.estimatedBytes;
    this.bytes += bytes - entry.bytes;
    entry.bytes = bytes;
  }

  private evictBeyondLimits(keep: string): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxSessions && this.bytes <= this.limits.maxBytes) break;
      if (id === keep) continue;
      this.bytes -= entry.bytes;
      this.entries.delete(id);
      this.onEvict(entry.bytes);
    }
    // A single session larger than the whole budget is still served; it goes when another is used.
    if (this.entries.size > this.limits.maxSessions) this.delete(keep);
  }

  private expire(now: number): void {
    for (const [id, entry] of this.entries) {
      if (now - entry.lastUsed < this.limits.idleMs) break; // oldest first: the rest are newer
      this.bytes -= entry.bytes;
      this.entries.delete(id);
      this.onEvict(entry.bytes);
    }
  }
}
