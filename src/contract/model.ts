/**
 * The runner's vocabulary: what a check is, what it finds, and the context it runs in. Checks are typed
 * values (in the style of Schemathesis' checks): a name, what it catches, what it needs, and a function
 * that returns structured findings. Nothing downstream parses text to learn which check failed.
 */
import type { Exchange } from './client.ts';

/** `contract`: the published contract ([doc]); `fidelity`: what only the mock promises ([ours]). */
export type Severity = 'contract' | 'fidelity';

/** What a check needs from the run; without it the check is skipped with the reason. */
export type Requirement = 'writes' | 'other-token' | 'client' | 'other-client' | 'rate-limit';

/** One departure from the spec, as a check reports it. */
export interface Finding {
  check: string;
  severity: Severity;
  /** The operationId the departure concerns. */
  operation: string;
  expected: string;
  actual: string;
  /** JSON pointer into openapi.yaml where the rule lives. */
  specLocation: string;
  /** The exchange that shows it, when there is one. */
  exchange?: Exchange;
}

/** A check that looks at every exchange of the run, whichever check sent it. */
export interface ExchangeCheck {
  kind: 'exchange';
  name: string;
  description: string;
  inspect(exchange: Exchange, ctx: CheckContext): Finding[];
}

/** A check that sends its own requests: a scenario. */
export interface ScenarioCheck {
  kind: 'scenario';
  name: string;
  description: string;
  requires: Requirement[];
  /** Runs only when named or when its requirement is given (the rate-limit burst). */
  optIn?: boolean;
  /** Sent only for the traffic the exchange checks need; its own verdicts are not reported. */
  trafficOnly?: boolean;
  run(ctx: CheckContext): Promise<Finding[]>;
}

export type Check = ExchangeCheck | ScenarioCheck;

/** Thrown by a scenario that finds it cannot run here (e.g. the token may not create). */
export class Skip extends Error {}

import type { TargetClient } from './client.ts';
import type { ContractSpec } from './contract-spec.ts';
import type { Sandbox } from './sandbox.ts';

export interface CheckContext {
  client: TargetClient;
  spec: ContractSpec;
  token: string;
  organizationId: number;
  /** The token's organization as the profile answered it. */
  ownOrganization: Record<string, unknown>;
  otherToken?: string;
  credentials?: { clientId: string; clientSecret: string };
  otherCredentials?: { clientId: string; clientSecret: string };
  allowWrites: boolean;
  sandbox: Sandbox;
  seed: number;
  examples: number;
  /** Longest burst the rate-limit check sends looking for a 429. */
  rateLimitBurst: number;
  /** A progress line for the console (e.g. while waiting on Retry-After). */
  say(line: string): void;
  /** Makes a finding with the severity that openapi.yaml gives the rule at `specLocation`. */
  finding(check: string, f: Omit<Finding, 'check' | 'severity'> & { severity?: Severity; sourceKey?: string }): Finding;
}
