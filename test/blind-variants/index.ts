/**
 * Broken servers written blind: from openapi.yaml and the reference alone, without reading the contract
 * runner's checks. Each departs from one [doc] fact of the reference in a way a frontend developer would
 * notice; `fact` names the section. test/blind/sweep.test.ts (npm run test:blind) measures the runner's catch rate on them.
 */
import { HOLDOUT } from './holdout.ts';
import type { BlindVariant } from './kit.ts';
import { OAUTH } from './oauth.ts';
import { PROTOCOL } from './protocol.ts';
import { ROUND_TRIPS } from './round-trips.ts';
import { SEARCH } from './search.ts';
import { WRITES_AND_ACCESS } from './writes-and-access.ts';

export type { BlindVariant } from './kit.ts';

/** The first set (written blind, since visible to the runner's authors) and the held-out set written after. */
export const BLIND: BlindVariant[] = [
  ...SEARCH,
  ...ROUND_TRIPS,
  ...WRITES_AND_ACCESS,
  ...OAUTH,
  ...PROTOCOL,
  ...HOLDOUT,
];
export { HOLDOUT };
