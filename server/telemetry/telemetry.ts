import type { DatabaseHandle } from '../../db/client';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import { liveInputSchema, summaryInputSchema, topFailingInputSchema, type RangeInput } from '../../shared/metrics';
import type { z } from 'zod';
import { MetricsAggregator } from './aggregator';
import { resolveRange, type ResolvedRange } from './query-range';
import { scheduleRetention, type RetentionOptions } from './retention';
import { insertRollups, selectRollups } from './rollup-repository';
import { RollupWriter } from './rollup-writer';
import type { BucketSeconds, RollupRow } from './rollups';
import * as answers from './summarize';
import { unstoredPeerRows, type PublishedRollups } from '../fleet/published-rollups';
import { CircuitLog } from './circuit-log';
import { PeerSeconds, type LiveSecondMessage, type ModelSecond } from '../fleet/live-seconds';
import { latencyHeatmap } from './latency-bands';
import { CONFIG_CHANGES_LIMIT, timeline } from './timeline';
import { insertCircuitChanges, selectCircuitChanges, selectCircuitStatesBefore, selectConfigChanges } from './timeline-repository';

/** Where this instance's seconds go to reach its peers (server/fleet/live-sync.ts). */
export interface SecondsPublisher {
  publish(second: number, models: ModelSecond[]): void;
}

/** How long after a second's end the tick comes: late enough that every request of it was counted. */
const TICK_OFFSET_MS = 20;
/**
 * A second's tick waits for the peers' figures of it until this many later seconds have ended (a
 * peer's NOTIFY normally arrives within milliseconds of this instance's own tick; on a loaded
 * database, or a peer on a host whose clock is behind, it may take longer).
 */
const MAX_WAIT_SECONDS = 2;

/** The other instances of the fleet and what they have counted but not stored (server/fleet/fleet.ts). */
export interface PeerRollups {
  peerRollups(): ReadonlyArray<{ instanceId: string; published: PublishedRollups }>;
}

export interface TelemetryOptions extends RetentionOptions {
  /** false only to measure what telemetry costs (GROVE_TELEMETRY=off, the benchmark) */
  enabled: boolean;
  /** rollup rows held while the database cannot take them */
  bufferRows: number;
  /** this process, in the rows it writes */
  instanceId: string;
  /** evaluated every second after the tick, from the aggregator's live windows (server/alerts) */
  alerts?: { evaluate(now: number, aggregator: MetricsAggregator): void };
  now?: () => number;
}

/**
 * The impure shell around the aggregator: the one-second tick (the metrics.tick event, and closed
 * rollups handed to the writer), the writer that stores them, retention, and the queries, which
 * read stored rows together with what is still in memory, so that figures are complete up to now.
 */
export class Telemetry {
  readonly aggregator = new MetricsAggregator();
  readonly writer: RollupWriter;
  /** circuit changes, stored for the failover timeline */
  readonly circuits: CircuitLog;
  private readonly now: () => number;
  private stops: Array<() => void> = [];
  private peers: PeerRollups | null = null;
  private publisher: SecondsPublisher | null = null;
  private readonly peerSeconds = new PeerSeconds();
  /** seconds counted here and published, whose tick waits for a peer's figures (epoch seconds) */
  private waiting: number[] = [];

  constructor(
    private readonly database: Pick<DatabaseHandle, 'db'>,
    private readonly events: EventBus,
    private readonly logger: Logger,
    readonly options: TelemetryOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.writer = new RollupWriter({ write: (rows) => insertRollups(database.db, options.instanceId, rows) }, logger, { maxRows: options.bufferRows });
    this.circuits = new CircuitLog((rows) => insertCircuitChanges(database.db, rows), logger, options.instanceId);
  }

  /** The tick every second and retention every hour (the first a minute after start). */
  start(): void {
    if (this.options.enabled) {
      // just after each second ends, by the clock, rather than every 1,000 ms from whenever the
      // process started: ticks then come when the second has ended, and the fleet's instances
      // publish their seconds at about the same moment, so none waits long for another's
      let timer: NodeJS.Timeout;
      const schedule = (afterMs: number) => {
        const at = this.now() + afterMs;
        timer = setTimeout(() => {
          this.tick();
          schedule(0);
        }, afterMs + 1_000 - (at % 1_000) + TICK_OFFSET_MS);
        timer.unref();
      };
      // the first tick a second on at least: the second it covers is one this process counted whole
      schedule(1_000);
      this.stops.push(() => clearTimeout(timer));
    }
    this.circuits.start();
    this.stops.push(scheduleRetention(this.database.db, this.options, this.logger));
  }

  /**
   * The seconds ended since the last tick: their ticks, and the minutes they closed handed to the
   * writer; then the alert rules. With peers (`shareSeconds`), each second is published to them,
   * and its tick waits until every live peer's figures of it have arrived, or MAX_WAIT_SECONDS at most.
   */
  tick(now = this.now()): void {
    const seconds = this.aggregator.completedSeconds(now);
    if (this.publisher) {
      for (const second of seconds) this.publisher.publish(second, this.aggregator.ownSecond(second));
      this.waiting.push(...seconds);
      // a second that waited its longest goes out with the peers' figures that came
      const newest = this.waiting.at(-1);
      while (newest !== undefined && this.waiting[0]! <= newest - MAX_WAIT_SECONDS) this.emitTick(this.waiting.shift()!, now);
      this.emitCompleted(now);
    } else {
      for (const second of seconds) this.emitTick(second, now);
    }
    this.writer.enqueue(this.aggregator.closeRollups(now));
    try {
      this.options.alerts?.evaluate(now, this.aggregator);
    } catch (error) {
      // thrown from a timer, it would end the process; the next second evaluates again
      this.logger.error({ err: error }, 'alert evaluation failed');
    }
  }

  /** From now on, every second ended here is published to the fleet's other instances, and theirs are awaited. */
  shareSeconds(publisher: SecondsPublisher): void {
    if (this.options.enabled) this.publisher = publisher;
  }

  /** A part of a peer's second: added to the live figures; the ticks that waited for it go out. */
  receivePeerSecond(message: LiveSecondMessage, now = this.now()): void {
    if (!this.publisher) return;
    for (const { modelId, ...part } of message.models) this.aggregator.recordPeerSecond(modelId, message.second, part);
    this.peerSeconds.receive(message, now);
    this.emitCompleted(now);
  }

  private emitCompleted(now: number): void {
    while (this.waiting.length > 0 && this.peerSeconds.complete(this.waiting[0]!, now)) this.emitTick(this.waiting.shift()!, now);
  }

  private emitTick(second: number, now: number): void {
    const tick = this.aggregator.tick(second, now);
    tick.instances += this.peerSeconds.reportersOf(second);
    this.events.emit(tick);
  }

  /** From now on, range queries add what the fleet's other instances have not stored yet. */
  addPeers(peers: PeerRollups): void {
    this.peers = peers;
  }

  /** What this instance has counted and not stored: what it publishes to its peers. */
  unstored(): PublishedRollups {
    return { 60: this.unstoredRows(60), 900: this.unstoredRows(900) };
  }

  /** Counted and not stored: rows in the writer's buffer, and those still open. */
  private unstoredRows(bucketSeconds: BucketSeconds): RollupRow[] {
    return [...this.writer.buffered(bucketSeconds), ...this.aggregator.openRows(bucketSeconds)];
  }

  /** Stores everything still open (shutdown), then stops. */
  async close(): Promise<void> {
    for (const stop of this.stops) stop();
    this.stops = [];
    this.writer.enqueue(this.aggregator.closeRollups(Number.POSITIVE_INFINITY));
    await Promise.all([this.writer.flush(), this.circuits.close()]);
  }

  summary(input: z.input<typeof summaryInputSchema>) {
    const parsed = summaryInputSchema.parse(input);
    return this.answer(parsed, (rows, range) => answers.summary(rows, range, parsed.groupBy));
  }

  series(input: RangeInput) {
    return this.answer(input, answers.series);
  }

  topFailing(input: z.input<typeof topFailingInputSchema>) {
    const parsed = topFailingInputSchema.parse(input);
    return this.answer(parsed, (rows, range) => answers.topFailing(rows, range, parsed.limit));
  }

  usage(input: RangeInput) {
    return this.answer(input, answers.usage);
  }

  latency(input: RangeInput) {
    return this.answer(input, answers.latency);
  }

  /** Per step, the requests in each latency band: the whole distribution, for the heatmap. */
  latencyHeatmap(input: RangeInput) {
    return this.answer(input, latencyHeatmap);
  }

  /** Each model's circuit changes over a range, with the state it started in, and the config changes. */
  async timeline(input: RangeInput) {
    const range = resolveRange(input, { now: this.now(), retentionDays: this.options.metricsDays });
    const db = this.database.db;
    // taken before the stored rows are read: see CircuitLog.unstored
    const unstored = this.circuits.unstored();
    const [before, changes, config] = await Promise.all([
      selectCircuitStatesBefore(db, range.from, input.model),
      selectCircuitChanges(db, { from: range.from, to: range.to, modelId: input.model }),
      selectConfigChanges(db, { from: range.from, to: range.to, limit: CONFIG_CHANGES_LIMIT + 1 }),
    ]);
    return timeline({ range, before, changes, unstored, config, modelId: input.model });
  }

  /**
   * The live per-second figures: no database involved. With peers, theirs as they arrived: a
   * peer's second arrives once it has ended, so the current second (`until: 'now'`) is this
   * instance's alone.
   */
  live(input: z.input<typeof liveInputSchema>) {
    const { seconds, until } = liveInputSchema.parse(input);
    const now = this.now();
    const view = this.aggregator.live(until === 'completed' ? now - 1000 : now, seconds);
    return { ...view, from: new Date(view.from).toISOString(), to: new Date(view.to).toISOString(), instances: 1 + this.peerSeconds.live(now) };
  }

  private async answer<T>(input: RangeInput, build: (rows: RollupRow[], range: ResolvedRange) => T): Promise<T> {
    const range = resolveRange(input, { now: this.now(), retentionDays: this.options.metricsDays });
    return build(await this.rows(range, input.model), range);
  }

  /**
   * The range's rows: stored, waiting to be stored, and still open, each exactly once; with a
   * fleet, also what the other instances published in their last heartbeat and have not stored.
   */
  private rows(range: ResolvedRange, modelId: string | undefined): Promise<RollupRow[]> {
    return this.writer.read(async () => {
      const stored = await selectRollups(this.database.db, { bucketSeconds: range.stepSeconds, from: range.from, to: range.to, modelId });
      // taken together, after the read: a minute closed meanwhile moved from one to the other
      const inMemory = this.unstoredRows(range.stepSeconds);
      if (this.peers) inMemory.push(...unstoredPeerRows(stored, this.peers.peerRollups(), range.stepSeconds));
      return stored.concat(answers.rowsInRange(inMemory, range, modelId));
    });
  }
}
