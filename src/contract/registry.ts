/** Every check of the runner, in one list, in the order they run. Chosen by name with --checks / --exclude-checks. */
import { ACCESS_CHECKS } from './checks/access.ts';
import { EXPLORATION_CHECKS } from './checks/explore.ts';
import { inputClasses, statefulSequences } from './checks/input-space.ts';
import { readsMatchModel, searchAcrossPages } from './checks/model-traffic.ts';
import { answersMatchModel, ORACLE_CHECK, TRANSPORT_CHECK, transportSound } from './checks/oracle.ts';
import { EXCHANGE_CHECKS, notAServerError } from './checks/response.ts';
import { searchMatching, searchPaging, searchSorting } from './checks/search.ts';
import { oversizedBodyRejected, WRITE_CHECKS } from './checks/writes.ts';
import type { Check, ExchangeCheck } from './context.ts';
import { WRITES_VERIFIED } from './sandbox.ts';

/** The sandbox's own findings (a create that is not what it claims, an update that went elsewhere). */
const writesVerified: ExchangeCheck = {
  kind: 'exchange',
  name: WRITES_VERIFIED,
  description:
    "Safety of writes: a create answers a new id that a GET shows with the run's name under the asked parent; an update renames the id it names. What fails this is never touched again.",
  inspect: () => [],
};

export const CHECKS: Check[] = [
  transportSound,
  ...EXCHANGE_CHECKS,
  writesVerified,
  answersMatchModel,
  ...EXPLORATION_CHECKS,
  searchSorting,
  searchPaging,
  searchMatching,
  searchAcrossPages,
  readsMatchModel,
  ...ACCESS_CHECKS,
  ...WRITE_CHECKS.filter((c) => c !== oversizedBodyRejected),
  inputClasses,
  statefulSequences,
  // Last: a server may close the connection after refusing a body it did not read.
  oversizedBodyRejected,
];

export const CHECK_NAMES: readonly string[] = CHECKS.map((c) => c.name);
export const ORACLE = ORACLE_CHECK;
/** Checks the runner itself refers to. */
export const REPEATED = { transport: TRANSPORT_CHECK, serverError: notAServerError.name } as const;

// A name declared twice would merge two checks' verdicts: refused when the registry loads.
const duplicate = CHECK_NAMES.find((n, i) => CHECK_NAMES.indexOf(n) !== i);
if (duplicate) throw new Error(`Two checks are named ${duplicate}.`);
