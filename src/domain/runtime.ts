/**
 * Everything the mock holds in memory: the seeded records, the default tree, the isolated sessions,
 * the tokens, the rate limiters, the journal and the chaos settings. Built from the configuration and
 * the fixtures; no HTTP here. Nothing is written to disk: a restart brings back the seeded state.
 *
 * Per session: the organization tree (an overlay of its changes over the shared seeded tree) and the
 * rate-limit windows. Shared by all sessions: the seeded tree, the tokens (a token issued in one session
 * works in every other), the chaos settings and the rate limit itself.
 */
import { Chaos } from './chaos.ts';
import { conflict, gone, invalidInput, messages, type Refusal } from './errors.ts';
import type { Fixtures } from './fixtures.ts';
import { Journal } from './journal.ts';
import type { OrgRecord } from './organization.ts';
import { OverlayTree } from './overlay-tree.ts';
import { FailureLimiter, RateLimiter, type RateLimitSetting } from './rate-limiter.ts';
import { isTombstone, SessionStore, type Sized, type Tombstone } from './sessions.ts';
import { exportTree, type Snapshot } from './snapshot.ts';
import { TokenStore } from './tokens.ts';
import { OrgTree, type Tree, type TreeLimits } from './tree.ts';

/** What an operation works on: the tree and rate limiter of its session, and the shared tokens. */
export interface MockState {
  readonly tree: Tree;
  readonly tokens: TokenStore;
  readonly rateLimiter: RateLimiter;
}

export const MAX_ISSUED_TOKENS = 100_000;
/** Session ids are keys, not data: longer ones are refused, never cut (two cut ids would share a state). */
export const MAX_SESSION_ID_LENGTH = 200;

/**
 * Estimated heap bytes, measured on this code (see docs/control-plane.md): a session (its overlay's
 * empty orders, its rate limiter) about 3 KB, and what it changed about 3 KB per organization created,
 * renamed or deleted, or whose children changed; an imported tree owns all its records.
 */
export const BYTES = {
  sessionBase: 3_000,
  perRateLimitEntry: 80,
  perChangedOrganization: 3_000,
  perWrittenOrganization: 1_000,
  perOwnedOrganization: 1_000,
} as const;

/** One `X-Mock-Session`: its rate-limit windows, and its tree: an overlay over the shared seeded one, or an import. */
export class Session implements Sized {
  readonly rateLimiter: RateLimiter;
  private overlay: OverlayTree | undefined;
  private imported: OrgTree | undefined;

  constructor(
    readonly id: string,
    setting: RateLimitSetting,
    private readonly shared: OrgTree,
  ) {
    this.rateLimiter = new RateLimiter(setting);
  }

  /** What the session reads and writes; the overlay is made on first use (it costs five empty orders). */
  get tree(): Tree {
    if (this.imported) return this.imported;
    this.overlay ??= new OverlayTree(this.shared);
    return this.overlay;
  }

  /** Replaces the session's tree by an imported one (which owns all its records). */
  install(tree: OrgTree): void {
    this.imported = tree;
    this.overlay = undefined;
  }

  get changed(): boolean {
    return this.imported !== undefined || (this.overlay?.writes ?? 0) > 0;
  }

  get estimatedBytes(): number {
    return (
      BYTES.sessionBase +
      this.id.length * 2 +
      this.rateLimiter.trackedOrganizations * BYTES.perRateLimitEntry +
      (this.imported
        ? this.imported.size * BYTES.perOwnedOrganization + this.imported.writes * BYTES.perWrittenOrganization
        : (this.overlay?.changedIds ?? 0) * BYTES.perChangedOrganization)
    );
  }
}

/** The bound a session was evicted for, as the refusal names it. */
function boundOf(tombstone: Tombstone, config: RuntimeSettings): string {
  switch (tombstone.reason) {
    case 'memory':
      return messages.sessionEvictedMemory(config.sessionMemoryMb);
    case 'count':
      return messages.sessionEvictedCount(config.maxSessions);
    case 'idle':
      return messages.sessionEvictedIdle(config.sessionIdleSeconds);
  }
}

/**
 * The session id of a request: undefined without one; refused with 400 when too long, or when it holds
 * a comma: two X-Mock-Session headers reach us joined as `alpha, beta`, which must not name a third session.
 */
export function sessionIdOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (header.length > MAX_SESSION_ID_LENGTH) throw invalidInput(messages.sessionIdTooLong(MAX_SESSION_ID_LENGTH));
  if (header.includes(',')) throw invalidInput(messages.sessionHeaderRepeated);
  return header;
}

/**
 * The settings the runtime works with. The configuration module above satisfies it and passes it down;
 * the domain never imports the configuration.
 */
export interface RuntimeSettings {
  maxDepth: number;
  maxOrganizations: number;
  tokenTtlSeconds: number;
  rateLimitPerMinute: number;
  clientFailuresPerMinute: number;
  journalSize: number;
  latencyMs: { min: number; max: number };
  faultRate: number;
  faultSeed: number;
  sessionMemoryMb: number;
  maxSessions: number;
  sessionIdleSeconds: number;
}

export class MockRuntime {
  readonly fixtures: Fixtures;
  readonly tokens: TokenStore;
  /** The rate limiter of the default (session-less) state. */
  readonly rateLimiter: RateLimiter;
  readonly rateLimit: RateLimitSetting;
  /** Failed client authentications on the token endpoint; shared, as they come before any session. */
  readonly clientFailures: FailureLimiter;
  readonly journal: Journal;
  readonly chaos: Chaos;
  readonly sessions: SessionStore<Session>;
  readonly limits: TreeLimits;
  readonly startedAt: number;
  /** The seeded tree, never written to: the default state and every session are overlays over it. */
  private readonly pristine: OrgTree;
  private tree: Tree;
  private readonly defaultState: MockState;

  constructor(
    readonly config: RuntimeSettings,
    readonly now: () => number,
    fixtures: Fixtures,
    /** The organizations generated beyond the fixture's (src/domain/fixtures.ts). */
    generated: readonly OrgRecord[],
    /**
     * A full garbage collection, where the runtime offers one (src/node/gc.ts). Evicted sessions (imports
     * above all) leave garbage that V8 lets pile up towards the heap limit before it collects, so resident
     * memory would follow the churn rather than the sessions alive. Called after every
     * SESSION_MEMORY_MB / 4 of evicted sessions.
     */
    collectGarbage: () => void = () => {},
  ) {
    this.fixtures = fixtures;
    this.startedAt = now();
    this.limits = { maxDepth: config.maxDepth, maxOrganizations: config.maxOrganizations };
    this.pristine = new OrgTree([...this.fixtures.organizations, ...generated], this.limits);
    this.tree = new OverlayTree(this.pristine);
    this.tokens = new TokenStore(this.fixtures.tokens, this.fixtures.clients, {
      ttlSeconds: config.tokenTtlSeconds,
      maxIssued: MAX_ISSUED_TOKENS,
      now,
    });
    this.rateLimit = { perMinute: config.rateLimitPerMinute };
    this.rateLimiter = new RateLimiter(this.rateLimit);
    this.clientFailures = new FailureLimiter(config.clientFailuresPerMinute);
    this.journal = new Journal(config.journalSize);
    this.chaos = new Chaos({ latencyMs: config.latencyMs, faultRate: config.faultRate, faultSeed: config.faultSeed });
    const sessionBytes = config.sessionMemoryMb * 1024 * 1024;
    let evicted = 0;
    this.sessions = new SessionStore(
      { maxSessions: config.maxSessions, idleMs: config.sessionIdleSeconds * 1000, maxBytes: sessionBytes },
      (id) => new Session(id, this.rateLimit, this.pristine),
      now,
      (id, bytes, tombstone) => {
        // The journal says when and why a session's changes were dropped.
        if (tombstone) this.journal.addEviction(id, tombstone.at, boundOf(tombstone, config));
        evicted += bytes;
        if (evicted < Math.max(sessionBytes / 4, 16 * 1024 * 1024)) return;
        evicted = 0;
        collectGarbage();
      },
    );
    const runtime = this;
    this.defaultState = {
      get tree() {
        return runtime.tree;
      },
      tokens: this.tokens,
      rateLimiter: this.rateLimiter,
    };
  }

  private sessionsOn(session: string | undefined): session is string {
    return session !== undefined && this.config.maxSessions > 0;
  }

  /** The session, made if need be; an evicted one is refused with the documented 410. */
  private openSession(session: string): Session {
    const found = this.sessions.open(session);
    if (isTombstone(found)) throw this.evictedRefusal(found);
    return found;
  }

  private evictedRefusal(tombstone: Tombstone): Refusal {
    return gone(messages.sessionEvicted(new Date(tombstone.at).toISOString(), boundOf(tombstone, this.config)));
  }

  /**
   * The state a request works on: its session's, or the default one. A session is made only when its
   * tree or rate limiter is first read, which the pipeline does after the token is checked: a request
   * with a bad token never makes a session, nor evicts one.
   *
   * The session is looked up again at each read, never kept across an await: a write whose body arrives
   * after a reset goes to the session as it is then (and stays), and one whose session was evicted
   * meanwhile is refused, never acknowledged into a dropped copy. A write is measured right after it.
   */
  stateFor(session?: string, writes = false): MockState {
    if (!this.sessionsOn(session)) return this.defaultState;
    const runtime = this;
    return {
      get tree() {
        const tree = runtime.openSession(session).tree;
        if (writes) queueMicrotask(() => runtime.sessions.remeasure(session));
        return tree;
      },
      get rateLimiter() {
        // An evicted session's token requests (which never read a tree) share the default windows.
        const found = runtime.sessions.open(session);
        return isTombstone(found) ? runtime.rateLimiter : found.rateLimiter;
      },
      tokens: this.tokens,
    };
  }

  /** The tree a session reads (the seeded one for a session not made yet), without making the session. */
  treeFor(session?: string): Tree {
    if (!this.sessionsOn(session)) return this.tree;
    const found = this.sessions.peek(session);
    if (found && isTombstone(found)) throw this.evictedRefusal(found);
    return found?.tree ?? this.pristine;
  }

  /** Back to the seeded tree and fresh rate-limit windows, of the session (evicted or not) or the default state only; issued tokens stay valid. */
  reset(session?: string): Tree {
    if (this.sessionsOn(session)) {
      this.sessions.delete(session);
      return this.pristine;
    }
    this.rateLimiter.reset();
    this.tree = new OverlayTree(this.pristine);
    return this.tree;
  }

  resetAll(): Tree {
    this.sessions.clear();
    return this.reset();
  }

  exportState(session?: string): Snapshot {
    return exportTree(this.treeFor(session));
  }

  /**
   * Refuses (409) an import of `organizations` into a session that would push out other sessions'
   * changes; sessions that only read may go. Called before the import is built and again before it is put in.
   */
  checkImportRoom(organizations: number, session?: string): void {
    if (!this.sessionsOn(session)) return;
    const needed = BYTES.sessionBase + organizations * BYTES.perOwnedOrganization;
    const room = this.sessions.limitBytes - this.sessions.changedBytes(session);
    if (needed <= room) return;
    const free = Math.max(0, Math.floor(room / 1024));
    throw conflict(messages.sessionImportNoRoom(Math.ceil(needed / 1024), free, this.config.sessionMemoryMb));
  }

  /** Puts an imported tree in place of the session's (an evicted one starts again with it), or of the default one. */
  install(tree: OrgTree, session?: string): void {
    if (!this.sessionsOn(session)) {
      this.tree = tree;
      return;
    }
    this.checkImportRoom(tree.size, session);
    const current = this.sessions.peek(session);
    const next = current && !isTombstone(current) ? current : new Session(session, this.rateLimit, this.pristine);
    next.install(tree);
    this.sessions.replace(session, next);
  }
}
