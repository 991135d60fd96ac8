/**
 * The request journal: the last N requests, in a ring buffer so memory stays bounded (a path is kept to
 * MAX_JOURNAL_PATH characters). Secrets never enter it: see redactSecrets.
 */
export const MAX_JOURNAL_PATH = 2_048;

/** Query parameters whose values are secrets; masked in the journal and the log. */
const SECRET_PARAMETERS = /([?&](?:client_secret|refresh_token|access_token|authorization|password|token)=)[^&#]*/gi;

/** A word that every name above holds: a path without one has nothing to mask (a cheap test, on every request). */
const SECRET_WORD = /secret|token|password|authorization/i;

/** The path with the values of secret query parameters replaced by `***`. */
export function redactSecrets(path: string): string {
  return SECRET_WORD.test(path) ? path.replace(SECRET_PARAMETERS, '$1***') : path;
}

/** Control characters (CR, LF, ESC, …) as \xNN, so that a line of log is one line and draws nothing. */
export function escapeControl(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

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
  /** What the mock did by itself, not a request: `session evicted: <why>` (method EVICT). */
  event?: string;
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
    if (entry.path.length > MAX_JOURNAL_PATH) entry.path = `${entry.path.slice(0, MAX_JOURNAL_PATH)}…`;
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** A session dropped with its changes, at `at`, for `why`: not a request, but when and why a client's data went. */
  addEviction(session: string, at: number, why: string): void {
    this.add({ at, method: 'EVICT', path: '', status: 410, ms: 0, session, event: `session evicted: ${why}` });
  }

  /** The newest `limit` entries, oldest first, as JSON shows them. */
  recent(limit = this.capacity): PublicJournalEntry[] {
    const ordered =
      this.entries.length < this.capacity
        ? this.entries
        : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
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
