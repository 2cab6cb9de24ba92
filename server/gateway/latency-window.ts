/** A model's latency as routing reads it: the median of its most recent calls, and how old they are. */
export interface LatencyEstimate {
  /** ms */
  p50: number;
  /** epoch ms of the newest call behind it */
  at: number;
  /** how many calls it is the median of */
  samples: number;
}

/** Calls kept per second: past it a second keeps its latest ones (plenty for a median). */
const PER_SECOND = 32;

class Second {
  second = -1;
  count = 0;
  newestAt = 0;
  readonly values = new Float64Array(PER_SECOND);
}

/**
 * One model's call latencies in one-second slots over the last `seconds` seconds. The estimate is
 * the median of the newest calls: the whole last second when it holds at least `minSamples`,
 * else the newest `minSamples` calls, reaching further back. Under load the last second decides,
 * so a slowdown shows within a second; with little traffic it shows within a few calls (3 slow of
 * the last 5). Calls older than the window
 * no longer count: a model that had a bad minute is not judged by it forever. Pure: the time is
 * given, recording is O(1), estimating reads only the seconds it needs.
 */
export class LatencyWindow {
  private readonly slots: Second[];
  private readonly scratch = new Float64Array(PER_SECOND * 4);

  constructor(
    readonly seconds: number,
    readonly minSamples: number,
  ) {
    this.slots = Array.from({ length: seconds }, () => new Second());
  }

  record(now: number, latencyMs: number): void {
    const second = Math.floor(now / 1000);
    const slot = this.slots[second % this.seconds]!;
    if (slot.second > second) return;
    if (slot.second !== second) {
      slot.second = second;
      slot.count = 0;
      slot.newestAt = 0;
    }
    slot.values[slot.count % PER_SECOND] = latencyMs;
    slot.count += 1;
    slot.newestAt = Math.max(slot.newestAt, now);
  }

  /** The median of the newest seconds within the window holding `minSamples` calls (or all there are); undefined without any. */
  estimate(now: number): LatencyEstimate | undefined {
    const current = Math.floor(now / 1000);
    let values = this.scratch;
    let length = 0;
    let at = 0;
    for (let second = current; second > current - this.seconds && length < this.minSamples; second--) {
      const slot = this.slots[((second % this.seconds) + this.seconds) % this.seconds]!;
      if (slot.second !== second || slot.count === 0) continue;
      if (at === 0) at = slot.newestAt;
      // a whole second while fewer than minSamples are taken, but only the newest calls of the
      // second that completes them: "3 slow of the last 5", not of the last 5 seconds' calls
      const kept = Math.min(slot.count, PER_SECOND);
      const taken = length === 0 ? kept : Math.min(kept, this.minSamples - length);
      if (length + taken > values.length) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values.subarray(0, length));
        values = grown;
      }
      for (let newest = slot.count - 1; newest >= slot.count - taken; newest--) values[length++] = slot.values[newest % PER_SECOND]!;
    }
    if (length === 0) return undefined;
    const sorted = values.subarray(0, length).sort();
    return { p50: sorted[Math.floor(length / 2)]!, at, samples: length };
  }
}
