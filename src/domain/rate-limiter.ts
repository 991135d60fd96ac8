/** Fixed one-minute windows, counted per organization. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const WINDOW_MS = 60_000;

/** Whole seconds until the current fixed window ends (at least 1), for `Retry-After`. */
export function secondsUntilNextWindow(now: number): number {
  const window = Math.floor(now / WINDOW_MS);
  return Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
}

export class RateLimiter {
  private window = -1;
  private readonly counts = new Map<number, number>();

  constructor(public limitPerMinute: number) {}

  hit(organizationId: number, now: number): RateDecision {
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      // A new window forgets every old count, so the map never outgrows the active organizations.
      this.window = window;
      this.counts.clear();
    }
    const count = (this.counts.get(organizationId) ?? 0) + 1;
    this.counts.set(organizationId, count);
    if (count <= this.limitPerMinute) return { allowed: true };
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
