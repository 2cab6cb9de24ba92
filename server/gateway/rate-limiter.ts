/**
 * Requests per minute per key, as a token bucket: a burst of up to one minute's allowance, refilled
 * continuously. In memory, per instance (behind a load balancer, each instance enforces its share).
 */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; updatedAt: number }>();

  /** Returns 0 when admitted, else the milliseconds until the next request would be. */
  take(key: string, perMinute: number, now: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: perMinute, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.updatedAt) * perMinute) / 60_000);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 60_000) / perMinute);
  }
}
