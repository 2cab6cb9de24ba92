import type { CircuitChanged, LiveFigures, MetricsTick, RequestCompleted } from '../events';
import { HistogramPool } from './histogram';
import { FiguresBuilder, LiveWindow, type RequestSample, type SecondPart } from './live-window';
import { completedAt, costOf, failoversOf, inputTokensOf, isError, modelOf, NO_KEY, outputTokensOf } from './request-facts';
import { RollupBook, type BucketSeconds, type RollupRow } from './rollups';
import { OUTCOMES, Totals } from './totals';

export interface AggregatorOptions {
  /** seconds of per-second figures kept per model (the live view) */
  liveSeconds: number;
  /** how long after its end a minute (or quarter) is closed and handed to the writer */
  graceMs: number;
}

const defaults: AggregatorOptions = { liveSeconds: 60, graceMs: 2_000 };

export interface LiveView {
  /** the window covered: [from, to) epoch ms */
  from: number;
  to: number;
  overall: LiveFigures;
  models: Array<LiveFigures & { modelId: string }>;
}

/**
 * The one place that turns requests into figures. Pure: no I/O, no timers, no clock of its own —
 * every method is given the time, so the same events give the same figures in a test. It keeps,
 * from the same requests:
 * - per model, per-second windows of the last `liveSeconds` (the live view and the metrics tick),
 *   beside which the fleet's other instances' seconds are kept as they arrive;
 * - per model and key, open rollups per minute and per quarter hour, closed after their end and
 *   handed to the writer (`closeRollups`), with HDR histograms of latency and time to first token;
 * - totals since start (Prometheus).
 */
export class MetricsAggregator {
  readonly totals = new Totals();
  private readonly options: AggregatorOptions;
  private readonly windows = new Map<string, LiveWindow>();
  /**
   * What the fleet's other instances counted, per model, second by second as they publish it
   * (server/fleet/live-seconds.ts): the ticks and the live view add it to this instance's own; the
   * alert rules do not (each instance judges its own traffic, server/alerts/alert-sync.ts).
   */
  private readonly peerWindows = new Map<string, LiveWindow>();
  /** the last second a tick was made for (`ticks`) */
  private lastTicked: number | undefined;
  /** before the first tick: the earliest second a request was counted in, so that the first tick starts there */
  private firstCounted: number | undefined;
  /**
   * Every model's requests in one window too: a rule on all models reads 60 slots instead of 60
   * per model (merging 1,200 latency histograms for 20 busy models took ~30 ms a second; recording
   * twice costs ~0.3 µs a request).
   */
  private readonly overallWindow: LiveWindow;
  private readonly pool = new HistogramPool();
  private readonly minutes = new RollupBook(60, this.pool);
  private readonly quarters = new RollupBook(900, this.pool);
  /** one sample, refilled for each request: recording allocates nothing on the hot path */
  private readonly sample: RequestSample = { error: false, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: 0, ttftMs: undefined };

  constructor(options: Partial<AggregatorOptions> = {}) {
    this.options = { ...defaults, ...options };
    this.overallWindow = new LiveWindow(this.options.liveSeconds);
  }

  recordRequest(event: RequestCompleted): void {
    const sample = this.sample;
    sample.error = isError(event);
    sample.failovers = failoversOf(event);
    sample.inputTokens = inputTokensOf(event);
    sample.outputTokens = outputTokensOf(event);
    sample.costUsd = costOf(event);
    sample.latencyMs = event.latencyMs;
    sample.ttftMs = event.ttftMs;
    const modelId = modelOf(event);
    const time = completedAt(event);

    const second = Math.floor(time / 1000);
    if (this.lastTicked === undefined && !(second >= this.firstCounted!)) this.firstCounted = second;
    let window = this.windows.get(modelId);
    if (!window) this.windows.set(modelId, (window = new LiveWindow(this.options.liveSeconds)));
    window.record(second, sample);
    this.overallWindow.record(second, sample);
    this.minutes.rollupFor(time, modelId, event.keyId ?? NO_KEY).record(sample, this.pool);

    const totals = this.totals.forModel(modelId);
    totals.requests[OUTCOMES.indexOf(event.outcome)]! += 1;
    totals.inputTokens += sample.inputTokens;
    totals.outputTokens += sample.outputTokens;
    totals.costUsd += sample.costUsd;
    totals.latency.observe(event.latencyMs / 1000);
    if (event.ttftMs !== undefined) totals.ttft.observe(event.ttftMs / 1000);
    if (sample.failovers > 0) this.totals.recordFailovers(event.attempts);
  }

  recordCircuit(event: CircuitChanged): void {
    this.totals.recordCircuit(event);
  }

  /**
   * A tick for every second completed since the last one ticked, oldest first (the first call: from
   * the first second a request was counted in, or else the second before `now`'s). A timer that fires late skips no second and one that fires twice in a
   * second repeats none, so the ticks a consumer adds up hold every request once. A gap longer
   * than the live window starts at its oldest second. Forgets models idle for a whole window.
   */
  ticks(now: number): MetricsTick[] {
    return this.completedSeconds(now).map((second) => this.tick(second, now));
  }

  /** The seconds `ticks` would tick now (epoch seconds), each handed out once: see `ticks`. */
  completedSeconds(now: number): number[] {
    const last = Math.floor(now / 1000) - 1;
    const first = Math.max(this.lastTicked === undefined ? Math.min(this.firstCounted ?? last, last) : this.lastTicked + 1, last - this.options.liveSeconds + 1);
    if (first > last) return [];
    const seconds: number[] = [];
    for (let second = first; second <= last; second++) seconds.push(second);
    this.lastTicked = last;
    for (const windows of [this.windows, this.peerWindows]) {
      for (const [modelId, window] of windows) {
        if (window.idleSince(last - this.options.liveSeconds)) windows.delete(modelId);
      }
    }
    return seconds;
  }

  /** One second's figures (epoch seconds), this instance's and its peers' as received so far. */
  tick(second: number, now: number): MetricsTick {
    const view = this.figures(second, second);
    return { type: 'metrics.tick', at: now, second: second * 1000, instances: 1, overall: view.overall, models: view.models };
  }

  /** This instance's own figures of `second`, per model that served in it: what it publishes to its peers. */
  ownSecond(second: number): Array<SecondPart & { modelId: string }> {
    const parts: Array<SecondPart & { modelId: string }> = [];
    for (const [modelId, window] of this.windows) {
      const part = window.part(second);
      if (part) parts.push({ modelId, ...part });
    }
    return parts;
  }

  /** A part of `second` (epoch seconds) as a peer counted it. */
  recordPeerSecond(modelId: string, second: number, part: SecondPart): void {
    let window = this.peerWindows.get(modelId);
    if (!window) this.peerWindows.set(modelId, (window = new LiveWindow(this.options.liveSeconds)));
    window.merge(second, part);
  }

  /** The last `seconds` seconds up to `now` (the current second included), per model and overall. */
  live(now: number, seconds: number): LiveView {
    const to = Math.floor(now / 1000);
    const from = to - Math.min(seconds, this.options.liveSeconds) + 1;
    const view = this.figures(from, to);
    return { from: from * 1000, to: (to + 1) * 1000, ...view };
  }

  /**
   * What an alert rule reads: one model's figures (without a model, every model's together) over
   * the last `seconds` up to `now`. Only the latency histogram, and only when asked (a p95 rule):
   * merging every histogram of a minute of 20 busy models, as `live` does, takes ~45 ms; counting
   * takes microseconds. All models together are read from their own window. ttftMs is always null.
   */
  windowFigures(now: number, seconds: number, modelId: string | undefined, latency: boolean): LiveFigures {
    const to = Math.floor(now / 1000);
    const from = to - Math.min(seconds, this.options.liveSeconds) + 1;
    const builder = new FiguresBuilder(latency ? 'latency' : 'none');
    (modelId === undefined ? this.overallWindow : this.windows.get(modelId))?.addTo(builder, from, to);
    return builder.figures();
  }

  /**
   * Closes the minutes (and quarters) that ended `graceMs` before `now` and returns them as rows
   * to store. Each closed minute is also added to its quarter, which is stored when it closes.
   */
  closeRollups(now: number): RollupRow[] {
    const rows: RollupRow[] = [];
    for (const minute of this.minutes.close(now, this.options.graceMs)) {
      rows.push(minute.row(60));
      this.quarters.rollupFor(minute.bucketStart, minute.modelId, minute.keyId).merge(minute, this.pool);
      this.minutes.release(minute);
    }
    for (const quarter of this.quarters.close(now, this.options.graceMs)) {
      rows.push(quarter.row(900));
      this.quarters.release(quarter);
    }
    return rows;
  }

  /**
   * What is counted but not closed yet, as rows of `bucketSeconds` (or shorter: an open minute is
   * part of its quarter until it closes and joins it). Queries add these to the stored rows.
   */
  openRows(bucketSeconds: BucketSeconds): RollupRow[] {
    return bucketSeconds === 60 ? this.minutes.openRows() : [...this.quarters.openRows(), ...this.minutes.openRows()];
  }

  private figures(from: number, to: number): Omit<LiveView, 'from' | 'to'> {
    const overall = new FiguresBuilder();
    const models: LiveView['models'] = [];
    const modelIds = this.peerWindows.size === 0 ? this.windows.keys() : new Set([...this.windows.keys(), ...this.peerWindows.keys()]);
    for (const modelId of modelIds) {
      const builder = new FiguresBuilder();
      const own = this.windows.get(modelId);
      const peers = this.peerWindows.get(modelId);
      own?.addTo(builder, from, to);
      peers?.addTo(builder, from, to);
      const figures = builder.figures();
      if (figures.requests === 0) continue;
      own?.addTo(overall, from, to);
      peers?.addTo(overall, from, to);
      models.push({ modelId, ...figures });
    }
    models.sort((a, b) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
    return { overall: overall.figures(), models };
  }
}
