/**
 * What a check is and the context it runs in. Checks are typed values (in the style of Schemathesis'
 * checks), each declared once through `exchangeCheck` or `scenario`: the factory binds the name, and the
 * runner hands each check a context whose `finding` carries that name, so no finding site names a check
 * and none can name a wrong one. A finding's severity is read from openapi.yaml at its spec location.
 */
import type { Exchange, TargetClient } from './client.ts';
import type { ContractSpec } from './contract-spec.ts';
import type { Finding, FindingMaker, Requirement } from './model.ts';
import type { ContractModel } from './oracle/model.ts';
import type { Oracle } from './oracle/oracle.ts';
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
  /** What the run knows of the organizations the token sees: the oracle of every answer. */
  model: ContractModel;
  /** Compares each exchange with the model's prediction as it arrives. */
  oracle: Oracle;
  seed: number;
  examples: number;
  /** Longest burst the rate-limit check sends looking for a 429. */
  rateLimitBurst: number;
  /** A progress line for the console (e.g. while waiting on Retry-After). */
  say(line: string): void;
  /** A finding of the check now running (the runner binds the name), severity from openapi.yaml. */
  finding: FindingMaker;
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
  /** Sent only for the traffic the exchange checks need; its own verdicts are not reported. */
  trafficOnly?: boolean;
  run(ctx: CheckContext): Promise<Finding[]>;
}

export type Check = ExchangeCheck | ScenarioCheck;

/** Declares an exchange check: its name is bound here, once. */
export function exchangeCheck(name: string, description: string, inspect: ExchangeCheck['inspect']): ExchangeCheck {
  return { kind: 'exchange', name, description, inspect };
}

/** Declares a scenario: its name is bound here, once. */
export function scenario(
  name: string,
  description: string,
  requires: Requirement[],
  run: ScenarioCheck['run'],
): ScenarioCheck {
  return { kind: 'scenario', name, description, requires, run };
}
