/**
 * Everything the mock holds in memory: the seeded records, the default tree, the isolated sessions,
 * the tokens, the rate limiters, the journal and the chaos settings. Built from the configuration and
 * the fixtures; no HTTP here. Nothing is written to disk: a restart brings back the seeded state.
 *
 * Per session: the organization tree and the rate-limit windows. Shared by all sessions: the tokens
 * (a token issued in one session works in every other), the chaos settings and the rate limit itself.
 */
import { Chaos } from './chaos.ts';
import { invalidInput, messages } from './errors.ts';
import type { Fixtures } from './fixtures.ts';
import { Journal } from './journal.ts';
import type { OrgRecord } from './organization.ts';
import { FailureLimiter, RateLimiter, type RateLimitSetting } from './rate-limiter.ts';
import { SessionStore, type Sized } from './sessions.ts';
import { exportTree, type Snapshot } from './snapshot.ts';
import { TokenStore } from './tokens.ts';
import { OrgTree, type TreeLimits } from './tree.ts';

/** What an operation works on: the tree and rate limiter of its session, and the shared tokens. */
export interface MockState {
  readonly tree: OrgTree;
  readonly tokens: TokenStore;
  readonly rateLimiter: RateLimiter;
}

export const MAX_ISSUED_TOKENS = 100_000;
/** Session ids are keys, not data: longer ones are refused, never cut (two cut ids would share a state). */
export const MAX_SESSION_ID_LENGTH = 200;

/**
 * Estimated heap bytes, measured on this code (see docs/control-plane.md): a session's copy of the tree
 * shares the seeded records and costs its arrays and indexes; an imported tree owns its records.
 */
export const BYTES = {
  sessionBase: 2_048,
  perRateLimitEntry: 80,
  perClonedOrganization: 200,
  perWrittenOrganization: 1_000,
  perOwnedOrganization: 1_000,
} as const;

/** One `X-Mock-Session`: its rate-limit windows, and its own tree once it has written (copy on write). */
export class Session implements Sized {
  readonly rateLimiter: RateLimiter;
  private own: OrgTree | undefined;
  private ownsRecords = false;

  constructor(
    readonly id: string,
    setting: RateLimitSetting,
    private readonly shared: OrgTree,
  ) {
    this.rateLimiter = new RateLimiter(setting);
  }

  /** What the session reads: its own tree, or the seeded one until it writes. */
  get tree(): OrgTree {
    return this.own ?? this.shared;
  }

  /** What the session writes to: its own copy, made on the first write. */
  writableTree(): OrgTree {
    this.own ??= this.shared.clone();
    return this.own;
  }

  /** Replaces the session's tree by an imported one (which owns all its records). */
  install(tree: OrgTree): void {
    this.own = tree;
    this.ownsRecords = true;
  }

  get hasOwnTree(): boolean {
    return this.own !== undefined;
  }

  get estimatedBytes(): number {
    let bytes =
      BYTES.sessionBase + this.id.length * 2 + this.rateLimiter.trackedOrganizations * BYTES.perRateLimitEntry;
    if (this.own) {
      bytes += this.ownsRecords
        ? this.own.size * BYTES.perOwnedOrganization
        : this.own.size * BYTES.perClonedOrganization + this.own.writes * BYTES.perWrittenOrganization;
    }
    return bytes;
  }
}

/** The session id of a request: undefined without one; refused with 400 when too long. */
export function sessionIdOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (header.length > MAX_SESSION_ID_LENGTH) throw invalidInput(messages.sessionIdTooLong(MAX_SESSION_ID_LENGTH));
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
  /** The seeded tree, never written to: reset and the default state clone it, sessions read it until they write. */
  private readonly pristine: OrgTree;
  private tree: OrgTree;
  private readonly defaultState: MockState;

  constructor(
    readonly config: RuntimeSettings,
    readonly now: () => number,
    fixtures: Fixtures,
    /** The organizations generated beyond the fixture's (src/domain/fixtures.ts). */
    generated: readonly OrgRecord[],
    /**
     * A full garbage collection, where the runtime offers one (src/node/gc.ts). Sessions that write make
     * and drop whole copies of the tree; V8 lets that garbage pile up towards the heap limit before it
     * collects, so resident memory would follow the churn rather than the sessions alive. Called after
     * every SESSION_MEMORY_MB / 4 of evicted sessions.
     */
    collectGarbage: () => void = () => {},
  ) {
    this.fixtures = fixtures;
    this.startedAt = now();
    this.limits = { maxDepth: config.maxDepth, maxOrganizations: config.maxOrganizations };
    this.pristine = new OrgTree([...this.fixtures.organizations, ...generated], this.limits);
    this.tree = this.pristine.clone();
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
      (bytes) => {
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

  /**
   * The state a request works on: its session's, or the default one. A session is made only when its
   * tree or rate limiter is first read, which the pipeline does after the token is checked: a request
   * with a bad token never makes a session, nor evicts one. `writes` asks for the session's own copy.
   */
  stateFor(session?: string, writes = false): MockState {
    if (!this.sessionsOn(session)) return this.defaultState;
    const runtime = this;
    let opened: Session | undefined;
    const open = () => (opened ??= runtime.sessions.open(session));
    return {
      get tree() {
        if (!writes) return open().tree;
        const tree = open().writableTree();
        runtime.sessions.remeasure(session); // the copy may just have been made
        return tree;
      },
      get rateLimiter() {
        return open().rateLimiter;
      },
      tokens: this.tokens,
    };
  }

  /** The tree a session reads (the seeded one for a session not made yet), without making the session. */
  treeFor(session?: string): OrgTree {
    if (!this.sessionsOn(session)) return this.tree;
    return this.sessions.peek(session)?.tree ?? this.pristine;
  }

  /** Back to the seeded tree and fresh rate-limit windows, of the session or the default state only; issued tokens stay valid. */
  reset(session?: string): OrgTree {
    if (this.sessionsOn(session)) {
      this.sessions.delete(session);
      return this.pristine;
    }
    this.rateLimiter.reset();
    this.tree = this.pristine.clone();
    return this.tree;
  }

  resetAll(): OrgTree {
    this.sessions.clear();
    return this.reset();
  }

  exportState(session?: string): Snapshot {
    return exportTree(this.treeFor(session));
  }

  /** Puts an imported tree in place of the session's, or of the default one. */
  install(tree: OrgTree, session?: string): void {
    if (!this.sessionsOn(session)) {
      this.tree = tree;
      return;
    }
    const next = this.sessions.peek(session) ?? new Session(session, this.rateLimit, this.pristine);
    next.install(tree);
    this.sessions.replace(session, next);
  }
}
