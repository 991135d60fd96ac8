/**
 * Everything the mock holds in memory: the seeded records, the default tree, the isolated sessions,
 * the tokens, the rate limiter, the journal and the chaos settings. Built from the configuration and
 * the fixture file; no HTTP here.
 */
import type { Config } from '../config.ts';
import { Chaos } from './chaos.ts';
import { type Fixtures, loadFixtures } from './fixtures.ts';
import { Journal } from './journal.ts';
import { RateLimiter } from './rate-limiter.ts';
import { generateOrganizations } from './seed.ts';
import { SessionStore } from './sessions.ts';
import { exportTree, importTree, type Snapshot } from './snapshot.ts';
import { TokenStore } from './tokens.ts';
import { OrgTree, type TreeLimits } from './tree.ts';

/** What an operation works on: the tree of its session, and the shared tokens and rate limiter. */
export interface MockState {
  tree: OrgTree;
  tokens: TokenStore;
  rateLimiter: RateLimiter;
}

export const MAX_ISSUED_TOKENS = 100_000;
/** Session ids longer than this are cut; ids are keys, not data. */
export const MAX_SESSION_ID_LENGTH = 200;

export class MockRuntime {
  readonly fixtures: Fixtures;
  readonly tokens: TokenStore;
  readonly rateLimiter: RateLimiter;
  readonly journal: Journal;
  readonly chaos: Chaos;
  readonly sessions: SessionStore<OrgTree>;
  readonly limits: TreeLimits;
  readonly startedAt: number;
  /** The seeded tree, never written to: reset and new sessions clone it. */
  private readonly pristine: OrgTree;
  private tree: OrgTree;

  constructor(
    readonly config: Config,
    readonly now: () => number,
    fixtures?: Fixtures,
  ) {
    this.fixtures = fixtures ?? loadFixtures(config.fixtures);
    this.startedAt = now();
    this.limits = { maxDepth: config.maxDepth, maxOrganizations: config.maxOrganizations };
    const generated = generateOrganizations(this.fixtures.organizations, { seed: config.seed, count: config.orgCount, maxDepth: config.maxDepth });
    this.pristine = new OrgTree([...this.fixtures.organizations, ...generated], this.limits);
    this.tree = this.seededTree();
    this.tokens = new TokenStore(this.fixtures.tokens, this.fixtures.clients, {
      ttlSeconds: config.tokenTtlSeconds,
      maxIssued: MAX_ISSUED_TOKENS,
      now,
    });
    this.rateLimiter = new RateLimiter(config.rateLimitPerMinute);
    this.journal = new Journal(config.journalSize);
    this.chaos = new Chaos({ latencyMs: config.latencyMs, faultRate: config.faultRate, faultSeed: config.faultSeed });
    this.sessions = new SessionStore(
      { maxSessions: config.maxSessions, idleMs: config.sessionIdleSeconds * 1000 },
      () => this.seededTree(),
      now,
    );
  }

  /** The state a request works on: its session's, or the default one. */
  stateFor(session?: string): MockState {
    return { tree: this.treeFor(session), tokens: this.tokens, rateLimiter: this.rateLimiter };
  }

  treeFor(session?: string): OrgTree {
    if (session === undefined || this.config.maxSessions === 0) return this.tree;
    return this.sessions.get(session.slice(0, MAX_SESSION_ID_LENGTH));
  }

  /** Back to the seeded tree and fresh rate-limit windows; issued tokens stay valid. */
  reset(session?: string): OrgTree {
    this.rateLimiter.reset();
    if (session !== undefined) {
      this.sessions.delete(session.slice(0, MAX_SESSION_ID_LENGTH));
      return this.treeFor(session);
    }
    this.tree = this.seededTree();
    return this.tree;
  }

  resetAll(): OrgTree {
    this.sessions.clear();
    return this.reset();
  }

  exportState(session?: string): Snapshot {
    return exportTree(this.treeFor(session));
  }

  importState(snapshot: Snapshot, session?: string): OrgTree {
    const tree = importTree(snapshot, this.limits);
    if (session === undefined || this.config.maxSessions === 0) this.tree = tree;
    else {
      const id = session.slice(0, MAX_SESSION_ID_LENGTH);
      this.sessions.get(id);
      this.sessions.replace(id, tree);
    }
    return tree;
  }

  private seededTree(): OrgTree {
    return this.pristine.clone();
  }
}
