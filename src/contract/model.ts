/**
 * The runner's vocabulary: what a check finds and how severe it is. (What a check is, and the context it
 * runs in, are in context.ts.) Nothing downstream parses text to learn which check failed.
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

/** A finding as a check states it: the check is bound by the context, the severity read from the spec. */
export type FindingInput = Omit<Finding, 'check' | 'severity'> & { severity?: Severity };

/** Makes a finding of the running check; the severity is openapi.yaml's at `specLocation` unless given. */
export type FindingMaker = (f: FindingInput) => Finding;

/** Thrown by a scenario that finds it cannot run here (e.g. the token may not create). */
export class Skip extends Error {}
