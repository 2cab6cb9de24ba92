import { isDataError } from '../../db/client';
import type { Logger } from '../logger';
import type { BucketSeconds, RollupRow } from './rollups';

/** Where rollup rows go; rejects if the rows were not stored. */
export interface RollupSink {
  write(rows: RollupRow[]): Promise<void>;
}

export interface RollupWriterOptions {
  /** rows held in memory at most (GROVE_METRICS_BUFFER_ROWS); past it the oldest are dropped */
  maxRows: number;
  batchRows: number;
  /** the first retry after a failed write; doubles on each failure up to retryMaxMs */
  retryMinMs: number;
  retryMaxMs: number;
}

const defaults: RollupWriterOptions = { maxRows: 20_000, batchRows: 500, retryMinMs: 250, retryMaxMs: 5_000 };

export interface RollupWriterStats {
  buffered: number;
  written: number;
  dropped: number;
  databaseDown: boolean;
}

/**
 * Stores closed rollups off the request path. The aggregator hands over a few rows a minute; they
 * wait in a bounded buffer and are written in batches. While the database cannot take them (down,
 * hung past its timeout) they stay buffered and the write is retried with a backoff; past `maxRows`
 * the oldest are dropped and counted, with one warning when dropping starts and a summary when the
 * database is back. Rows the database refuses for their data are dropped and counted at once:
 * retrying cannot mend them.
 *
 * Queries read through `read`, which holds writes back while they read: what a query sees is then
 * the stored rows plus the buffered ones, each row exactly once.
 */
export class RollupWriter {
  private buffer: RollupRow[] = [];
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readers = 0;
  private outage: { since: number; retryMs: number; droppedBefore: number } | null = null;
  private dropping = false;
  private closed = false;
  private readonly options: RollupWriterOptions;
  written = 0;
  dropped = 0;

  constructor(
    private readonly sink: RollupSink,
    private readonly logger: Logger,
    options: Partial<RollupWriterOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  stats(): RollupWriterStats {
    return { buffered: this.buffer.length, written: this.written, dropped: this.dropped, databaseDown: this.outage !== null };
  }

  enqueue(rows: RollupRow[]): void {
    if (rows.length === 0) return;
    this.buffer.push(...rows);
    const excess = this.buffer.length - this.options.maxRows;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.drop(excess);
    }
    // during an outage the next try waits for its backoff
    if (!this.outage) this.start();
  }

  /**
   * Runs `query` while no write is under way and none starts, so that every row is either stored
   * or buffered (`buffered`) for the whole of the query, never both or neither.
   */
  async read<T>(query: () => Promise<T>): Promise<T> {
    this.readers += 1;
    try {
      while (this.running) await this.running;
      return await query();
    } finally {
      this.readers -= 1;
      if (this.readers === 0) {
        if (this.outage) this.retryLater();
        else this.start();
      }
    }
  }

  /** The rows waiting to be written, of one bucket size. */
  buffered(bucketSeconds: BucketSeconds): RollupRow[] {
    return this.buffer.filter((row) => row.bucketSeconds === bucketSeconds);
  }

  /** Writes what is buffered (shutdown); gives up, counting the rows as dropped, if the database cannot take them. */
  async flush(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await this.running;
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchRows);
      try {
        await this.sink.write(batch);
        this.written += batch.length;
      } catch (error) {
        const lost = batch.length + this.buffer.length;
        this.buffer = [];
        this.dropped += lost;
        this.logger.error({ err: error, rows: lost }, 'metrics: the database cannot take the rollups left at shutdown; dropped');
      }
    }
  }

  private start(): void {
    if (this.running || this.readers > 0 || this.closed || this.buffer.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.outage) this.retryLater();
      else this.start();
    });
  }

  private async run(): Promise<void> {
    while (this.buffer.length > 0 && this.readers === 0) {
      const batch = this.buffer.splice(0, this.options.batchRows);
      try {
        await this.sink.write(batch);
      } catch (error) {
        if (isDataError(error)) {
          this.dropped += batch.length;
          this.logger.error({ err: error, rows: batch.length }, 'metrics: rollup rows refused by the database; dropped');
          continue;
        }
        this.failed(batch, error);
        return;
      }
      this.written += batch.length;
      if (this.outage) this.recovered();
      if (this.dropping && this.buffer.length < this.options.maxRows) this.dropping = false;
    }
  }

  private failed(batch: RollupRow[], error: unknown): void {
    this.buffer = batch.concat(this.buffer);
    if (!this.outage) {
      this.outage = { since: Date.now(), retryMs: this.options.retryMinMs, droppedBefore: this.dropped };
      this.logger.error({ err: error, buffered: this.buffer.length }, 'metrics: the database cannot take rollups; keeping them and retrying');
    } else {
      this.outage.retryMs = Math.min(this.outage.retryMs * 2, this.options.retryMaxMs);
    }
    const excess = this.buffer.length - this.options.maxRows;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.drop(excess);
    }
  }

  private retryLater(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, this.outage!.retryMs);
    this.timer.unref();
  }

  private recovered(): void {
    const outage = this.outage!;
    this.outage = null;
    this.logger.info({ outageMs: Date.now() - outage.since, buffered: this.buffer.length, dropped: this.dropped - outage.droppedBefore }, 'metrics: the database is back; writing the rollups kept during the outage');
  }

  private drop(rows: number): void {
    this.dropped += rows;
    if (this.dropping) return;
    this.dropping = true;
    this.logger.warn({ dropped: rows, maxRows: this.options.maxRows }, 'metrics: rollup buffer full, dropping the oldest rollups (GROVE_METRICS_BUFFER_ROWS)');
  }
}
