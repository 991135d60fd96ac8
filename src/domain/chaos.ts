/**
 * Global latency and faults, from seeded random sources so that a failing run can be repeated:
 * the same FAULT_SEED and the same request order give the same faults.
 */
import type { components } from '../generated/openapi.ts';

/** The spec's MockConfig without the rate limit, which the runtime keeps apart. */
export type ChaosSettings = Omit<components['schemas']['MockConfig'], 'rateLimitPerMinute'>;

/** mulberry32: small, fast, and the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses `100` or `50-200` (milliseconds). */
export function parseLatency(raw: string): { min: number; max: number } | undefined {
  const match = /^\s*(\d{1,6})\s*(?:-\s*(\d{1,6})\s*)?$/.exec(raw);
  if (!match) return undefined;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  return max >= min ? { min, max } : undefined;
}

export class Chaos {
  private faultRandom: () => number;
  private latencyRandom: () => number;

  constructor(private current: ChaosSettings) {
    this.faultRandom = seededRandom(current.faultSeed);
    this.latencyRandom = seededRandom(current.faultSeed ^ 0x9e3779b9);
  }

  get settings(): ChaosSettings {
    return { ...this.current, latencyMs: { ...this.current.latencyMs } };
  }

  /** New settings; a new seed (or the same one given again) restarts both random sequences. */
  update(next: Partial<ChaosSettings>): void {
    this.current = { ...this.current, ...next };
    if (next.faultSeed !== undefined) {
      this.faultRandom = seededRandom(this.current.faultSeed);
      this.latencyRandom = seededRandom(this.current.faultSeed ^ 0x9e3779b9);
    }
  }

  nextLatency(): number {
    const { min, max } = this.current.latencyMs;
    return max === min ? min : min + Math.floor(this.latencyRandom() * (max - min + 1));
  }

  nextIsFault(): boolean {
    return this.current.faultRate > 0 && this.faultRandom() < this.current.faultRate;
  }
}
