/** Fixed one-minute windows: requests counted per organization, failed client authentications per client. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const WINDOW_MS = 60_000;

/** Whole seconds until the current fixed window ends (at least 1), for `Retry-After`. */
export function secondsUntilNextWindow(now: number): number {
  const window = Math.floor(now / WINDOW_MS);
  return Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
}

/** The limit, shared by every session's limiter: `PATCH /_mock/config` changes it for all. */
export interface RateLimitSetting {
  perMinute: number;
}

export class RateLimiter {
  private window = -1;
  private readonly counts = new Map<number, number>();

  constructor(private readonly setting: RateLimitSetting) {}

  get limitPerMinute(): number {
    return this.setting.perMinute;
  }

  set limitPerMinute(limit: number) {
    this.setting.perMinute = limit;
  }

  hit(organizationId: number, now: number): RateDecision {
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      // A new window forgets every old count, so the map never outgrows the active organizations.
      this.window = window;
      this.counts.clear();
    }
    const count = (this.counts.get(organizationId) ?? 0) + 1;
    this.counts.set(organizationId, count);
    if (count <= this.setting.perMinute) return { allowed: true };
    return { allowed: false, retryAfterSeconds: secondsUntilNextWindow(now) };
  }

  /** Organizations counted in the current window; older windows are forgotten. */
  get trackedOrganizations(): number {
    return this.counts.size;
  }

  reset(): void {
    this.counts.clear();
  }
}

/** Distinct client ids counted per window; past this, unknown ids share one count (memory stays bounded). */
export const MAX_TRACKED_CLIENTS = 10_000;
const OTHER_CLIENTS = '\u0000others';

/**
 * Failed client authentications on the token endpoint, per presented client id and minute: past the
 * limit, that client id is refused with 429 until the window ends, whatever the secret, so guessing
 * secrets costs a minute per `limitPerMinute` tries.
 */
export class FailureLimiter {
  private window = -1;
  private readonly failures = new Map<string, number>();

  constructor(readonly limitPerMinute: number) {}

  /** Whether this client id may try again now. */
  check(clientId: string, now: number): RateDecision {
    this.windowOf(now);
    const count = this.failures.get(this.keyOf(clientId)) ?? 0;
    return count < this.limitPerMinute
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: secondsUntilNextWindow(now) };
  }

  fail(clientId: string, now: number): void {
    this.windowOf(now);
    const key = this.keyOf(clientId);
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  get trackedClients(): number {
    return this.failures.size;
  }

  private keyOf(raw: string): string {
    const clientId = raw.slice(0, 200);
    return this.failures.has(clientId) || this.failures.size < MAX_TRACKED_CLIENTS ? clientId : OTHER_CLIENTS;
  }

  private windowOf(now: number): number {
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.failures.clear();
    }
    return window;
  }
}
