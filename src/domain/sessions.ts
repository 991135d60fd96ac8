/**
 * Isolated sessions: each `X-Mock-Session` id gets its own state. Bounded three ways: in number
 * (`maxSessions`), in time (dropped when idle) and in bytes (`maxBytes`, from each session's own
 * estimate of what it holds). Past a bound, sessions that lose nothing by going (they never wrote) go
 * first, least recently used first, then the least recently used of the others.
 *
 * Never a silent loss: a session that held changes and was dropped leaves a tombstone, and opening it
 * again is refused (the caller says how) until it is deleted on purpose (a reset) or replaced (an import).
 * Tombstones are few and bounded (MAX_TOMBSTONES, oldest forgotten first).
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
  /** Whether dropping it would lose something a client made (a write, an import). */
  readonly changed: boolean;
}

/** Which bound a session was dropped for. */
export type EvictionReason = 'memory' | 'count' | 'idle';

/** What is left of a session dropped with its changes: when and why. */
export interface Tombstone {
  at: number;
  reason: EvictionReason;
}

/** Tombstones kept; past this the oldest is forgotten (and that id would start afresh). */
export const MAX_TOMBSTONES = 4_096;

interface Entry<T> {
  value: T;
  lastUsed: number;
  bytes: number;
}

export class SessionStore<T extends Sized> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly tombstones = new Map<string, Tombstone>();
  private bytes = 0;

  constructor(
    private readonly limits: SessionLimits,
    private readonly create: (id: string) => T,
    private readonly now: () => number,
    /** Told of each session evicted for a bound (not of those deleted on purpose), with its estimated bytes. */
    private readonly onEvict: (id: string, bytes: number, tombstone: Tombstone | undefined) => void = () => {},
  ) {}

  /**
   * The session, made if it does not exist yet; it becomes the most recently used. A session evicted
   * with its changes is not made again: the caller gets its tombstone instead.
   */
  open(id: string): T | Tombstone {
    const now = this.now();
    this.expire(now);
    const tombstone = this.tombstones.get(id);
    if (tombstone) return tombstone;
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

  /** The session if it exists, without making it or changing the LRU order; its tombstone if it was evicted. */
  peek(id: string): T | Tombstone | undefined {
    const tombstone = this.tombstones.get(id);
    if (tombstone) return tombstone;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (this.now() - entry.lastUsed < this.limits.idleMs) return entry.value;
    // Idle past the bound: as good as expired (the next open() expires it).
    return entry.value.changed ? { at: entry.lastUsed + this.limits.idleMs, reason: 'idle' } : undefined;
  }

  /** The estimated bytes of the sessions whose eviction would lose changes, but `except`. */
  changedBytes(except?: string): number {
    let bytes = 0;
    for (const [id, entry] of this.entries) if (id !== except && entry.value.changed) bytes += entry.bytes;
    return bytes;
  }

  get limitBytes(): number {
    return this.limits.maxBytes;
  }

  /** The ids evicted with their changes, oldest first. */
  evictedIds(): string[] {
    return [...this.tombstones.keys()];
  }

  /** Puts `value` in place of the session's state (and of its tombstone), making it the most recently used. */
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

  /** Forgets the session on purpose, and its tombstone: the id starts afresh. */
  delete(id: string): boolean {
    const buried = this.tombstones.delete(id);
    const entry = this.entries.get(id);
    if (!entry) return buried;
    this.bytes -= entry.bytes;
    return this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
    this.tombstones.clear();
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

  private beyondLimits(): boolean {
    return this.entries.size > this.limits.maxSessions || this.bytes > this.limits.maxBytes;
  }

  private evictBeyondLimits(keep: string): void {
    // Those that lose nothing first (least recently used first), then the others.
    for (const changed of [false, true]) {
      for (const [id, entry] of this.entries) {
        if (!this.beyondLimits()) return;
        if (id === keep || entry.value.changed !== changed) continue;
        this.evict(id, entry, this.entries.size > this.limits.maxSessions ? 'count' : 'memory', this.now());
      }
    }
    // A single session larger than the whole budget is still served; it goes when another is used.
  }

  private expire(now: number): void {
    for (const [id, entry] of this.entries) {
      if (now - entry.lastUsed < this.limits.idleMs) break; // oldest first: the rest are newer
      this.evict(id, entry, 'idle', entry.lastUsed + this.limits.idleMs);
    }
  }

  private evict(id: string, entry: Entry<T>, reason: EvictionReason, at: number): void {
    this.bytes -= entry.bytes;
    this.entries.delete(id);
    let tombstone: Tombstone | undefined;
    if (entry.value.changed) {
      tombstone = { at, reason };
      this.tombstones.set(id, tombstone);
      for (const oldest of this.tombstones.keys()) {
        if (this.tombstones.size <= MAX_TOMBSTONES) break;
        this.tombstones.delete(oldest);
      }
    }
    this.onEvict(id, entry.bytes, tombstone);
  }
}

/** Whether what open() or peek() gave is a tombstone rather than a session. */
export function isTombstone<T extends Sized>(found: T | Tombstone): found is Tombstone {
  return 'reason' in found && 'at' in found && !('estimatedBytes' in found);
}
