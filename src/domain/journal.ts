/** The request journal: the last N requests, in a ring buffer so memory stays bounded. */
export interface JournalEntry {
  /** Epoch milliseconds; turned into an ISO time only when read, off the request path. */
  at: number;
  method: string;
  path: string;
  status: number;
  ms: number;
  session?: string;
  /** Slips the mock noticed, such as body fields the operation ignores. */
  warnings?: string[];
}

export type PublicJournalEntry = Omit<JournalEntry, 'at'> & { time: string };

export function toJson({ at, ...rest }: JournalEntry): PublicJournalEntry {
  return { time: new Date(at).toISOString(), ...rest };
}

export class Journal {
  private readonly entries: JournalEntry[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  add(entry: JournalEntry): void {
    if (this.capacity === 0) return;
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The newest `limit` entries, oldest first, as JSON shows them. */
  recent(limit = this.capacity): PublicJournalEntry[] {
    const ordered = this.entries.length < this.capacity ? this.entries : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered.slice(Math.max(0, ordered.length - limit)).map(toJson);
  }

  clear(): void {
    this.entries.length = 0;
    this.next = 0;
  }

  get size(): number {
    return this.entries.length;
  }
}
