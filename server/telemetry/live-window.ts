import type { Counts, LiveFigures } from '../events';
import { addCounts } from './counts';
import { addPairs, histogramPairs, newHistogram, percentilesOf, recordMs, type LatencyHistogram } from './histogram';

/** One second of one model's requests. Reused when the ring comes round: no allocation per second. */
class SecondSlot {
  second = -1;
  requests = 0;
  errors = 0;
  failovers = 0;
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  /** allocated on first use, kept for the slot's next seconds */
  latency: LatencyHistogram | null = null;
  ttft: LatencyHistogram | null = null;

  restart(second: number): void {
    this.second = second;
    this.requests = 0;
    this.errors = 0;
    this.failovers = 0;
    this.inputTokens = 0;
    this.outputTokens = 0;
    this.costUsd = 0;
    this.latency?.reset();
    this.ttft?.reset();
  }
}

/** What one request adds to a window. */
export interface RequestSample {
  error: boolean;
  failovers: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | undefined;
}

/**
 * One model's second as counted elsewhere (another instance of the fleet): its counts, and its
 * histograms as `[value µs, count, …]` pairs. Adding parts is adding requests, so a second may come
 * in several parts (a NOTIFY payload is bounded), a histogram's pairs split between them.
 */
export interface SecondPart extends Counts {
  latency?: number[];
  ttft?: number[];
}

/**
 * One model's last `seconds` seconds, one slot per second in a ring: recording is O(1), and a
 * second that falls out of the window is simply overwritten by a later one.
 */
export class LiveWindow {
  private readonly slots: SecondSlot[];

  constructor(readonly seconds: number) {
    this.slots = Array.from({ length: seconds }, () => new SecondSlot());
  }

  /** `second`: epoch seconds of the request's completion. Older than the window: left out. */
  record(second: number, sample: RequestSample): void {
    const slot = this.slots[second % this.seconds]!;
    if (slot.second > second) return;
    if (slot.second !== second) slot.restart(second);
    slot.requests += 1;
    if (sample.error) slot.errors += 1;
    slot.failovers += sample.failovers;
    slot.inputTokens += sample.inputTokens;
    slot.outputTokens += sample.outputTokens;
    slot.costUsd += sample.costUsd;
    recordMs((slot.latency ??= newHistogram()), sample.latencyMs);
    if (sample.ttftMs !== undefined) recordMs((slot.ttft ??= newHistogram()), sample.ttftMs);
  }

  /**
   * Adds a part of `second` counted elsewhere, as if its requests had been recorded here. Older
   * than the window: left out. The pairs are checked where they are parsed (server/fleet/live-seconds.ts).
   */
  merge(second: number, part: SecondPart): void {
    const slot = this.slots[second % this.seconds]!;
    if (slot.second > second) return;
    const latency = part.latency?.length ? part.latency : undefined;
    const ttft = part.ttft?.length ? part.ttft : undefined;
    if (slot.second !== second) slot.restart(second);
    addCounts(slot, part);
    if (latency) addPairs((slot.latency ??= newHistogram()), latency);
    if (ttft) addPairs((slot.ttft ??= newHistogram()), ttft);
  }

  /** `second` as a part another window can merge; undefined when nothing was recorded in it. */
  part(second: number): SecondPart | undefined {
    const slot = this.slots[second % this.seconds]!;
    if (slot.second !== second || slot.requests === 0) return undefined;
    const { requests, errors, failovers, inputTokens, outputTokens, costUsd } = slot;
    return {
      requests,
      errors,
      failovers,
      inputTokens,
      outputTokens,
      costUsd,
      latency: slot.latency && slot.latency.totalCount > 0 ? histogramPairs(slot.latency) : undefined,
      ttft: slot.ttft && slot.ttft.totalCount > 0 ? histogramPairs(slot.ttft) : undefined,
    };
  }

  /** Adds the seconds in [from, to] (epoch seconds) to `into`. */
  addTo(into: FiguresBuilder, from: number, to: number): void {
    for (const slot of this.slots) {
      if (slot.second < from || slot.second > to) continue;
      into.add(slot);
    }
  }

  /** true once every slot is older than `second`: the model had no traffic for a whole window */
  idleSince(second: number): boolean {
    return this.slots.every((slot) => slot.second < second);
  }
}

/**
 * Sums seconds (of one model or of many) into LiveFigures, merging their histograms — all of them,
 * only latency, or none: merging is what costs (~9 µs a histogram), counting is nearly free.
 */
export class FiguresBuilder {
  private readonly counts: Counts = { requests: 0, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  private latency: LatencyHistogram | null = null;
  private ttft: LatencyHistogram | null = null;

  constructor(private readonly histograms: 'all' | 'latency' | 'none' = 'all') {}

  add(slot: Omit<SecondSlot, 'restart' | 'second'>): void {
    addCounts(this.counts, slot);
    if (this.histograms === 'none') return;
    if (slot.latency && slot.latency.totalCount > 0) (this.latency ??= newHistogram()).add(slot.latency);
    if (this.histograms === 'latency') return;
    if (slot.ttft && slot.ttft.totalCount > 0) (this.ttft ??= newHistogram()).add(slot.ttft);
  }

  figures(): LiveFigures {
    return {
      ...this.counts,
      latencyMs: percentilesOf(this.latency),
      ttftMs: percentilesOf(this.ttft),
    };
  }
}
