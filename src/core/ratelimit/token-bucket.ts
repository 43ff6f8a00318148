/**
 * Token buckets keyed by caller. Each key holds up to `capacity` tokens, refilled continuously at `refillPerSecond`;
 * a request takes one. Time is passed in (milliseconds from any monotonic origin), so the logic is testable.
 */
export interface BucketLimits {
  capacity: number;
  refillPerSecond: number;
}

export interface TakeResult {
  allowed: boolean;
  remaining: number;
  /** Seconds until one token is available again (0 when allowed). */
  retryAfterSeconds: number;
}

export class TokenBuckets {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limits: BucketLimits,
    private readonly maxKeys = 100_000,
  ) {
    if (limits.capacity < 1 || limits.refillPerSecond <= 0) throw new RangeError('capacity ≥ 1 and refill > 0');
  }

  take(key: string, nowMs: number, cost = 1): TakeResult {
    const b = this.refilled(key, nowMs);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { allowed: true, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
    }
    const wait = (cost - b.tokens) / this.limits.refillPerSecond;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }

  /** Tokens available without taking one. */
  peek(key: string, nowMs: number): number {
    return this.refilled(key, nowMs).tokens;
  }

  private refilled(key: string, nowMs: number) {
    let b = this.buckets.get(key);
    if (!b) {
      // Full buckets need no memory: forget the oldest keys when the table is full.
      if (this.buckets.size >= this.maxKeys) this.evictFull(nowMs);
      b = { tokens: this.limits.capacity, at: nowMs };
      this.buckets.set(key, b);
      return b;
    }
    const elapsed = Math.max(0, nowMs - b.at) / 1000;
    b.tokens = Math.min(this.limits.capacity, b.tokens + elapsed * this.limits.refillPerSecond);
    b.at = nowMs;
    return b;
  }

  private evictFull(nowMs: number) {
    for (const [k, b] of this.buckets) {
      const tokens = b.tokens + (Math.max(0, nowMs - b.at) / 1000) * this.limits.refillPerSecond;
      if (tokens >= this.limits.capacity) this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxKeys) {
      const first = this.buckets.keys().next();
      if (!first.done) this.buckets.delete(first.value);
    }
  }
}
