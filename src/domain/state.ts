/** Everything the mock holds in memory, built from the configuration and the fixture file. */
import type { Config } from '../config.ts';
import { type Fixtures, loadFixtures } from './fixtures.ts';
import { RateLimiter } from './rate-limiter.ts';
import { generateOrganizations } from './seed.ts';
import { TokenStore } from './tokens.ts';
import { OrgTree } from './tree.ts';

export interface MockState {
  tree: OrgTree;
  tokens: TokenStore;
  rateLimiter: RateLimiter;
}

export const REFRESH_TTL_SECONDS = 30 * 24 * 3600;
export const MAX_ISSUED_TOKENS = 100_000;

export function createState(config: Config, now: () => number, fixtures?: Fixtures): MockState {
  const data = fixtures ?? loadFixtures(config.fixtures);
  const generated = generateOrganizations(data.organizations, {
    seed: config.seed,
    count: config.orgCount,
    maxDepth: config.maxDepth,
  });
  return {
    tree: new OrgTree([...data.organizations, ...generated], {
      maxDepth: config.maxDepth,
      maxOrganizations: config.maxOrganizations,
    }),
    tokens: new TokenStore(data.tokens, data.clients, {
      ttlSeconds: config.tokenTtlSeconds,
      refreshTtlSeconds: REFRESH_TTL_SECONDS,
      maxIssued: MAX_ISSUED_TOKENS,
      now,
    }),
    rateLimiter: new RateLimiter(config.rateLimitPerMinute),
  };
}
